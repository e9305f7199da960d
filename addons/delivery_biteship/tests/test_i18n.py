from odoo.addons.delivery_biteship.biteship.tracking import status_news
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestIndonesian(TransactionCase):
    def test_indonesian_terms_load(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["delivery_biteship"], ["id_ID"], overwrite=True
        )
        env_id = self.env(context={"lang": "id_ID"})
        field = env_id["ir.model.fields"]._get(
            "delivery.carrier", "biteship_courier_company"
        )
        self.assertEqual(field.field_description, "Perusahaan Kurir")
        # event descriptions are written in the shop's language
        self.env.company.partner_id.lang = "id_ID"
        event = self.env["delivery.carrier"]._biteship_event(
            status_news("picked", "2026-03-01T10:00:00+07:00"), "order-1"
        )
        self.assertEqual(event["description"], "Kurir telah menjemput paket")
        # Biteship's newer middle-mile status, and one the table lacks
        Carrier = self.env["delivery.carrier"]
        self.assertEqual(
            Carrier._biteship_event(status_news("in_transit"), "order-1")[
                "description"
            ],
            "Paket dalam perjalanan antar-hub kurir",
        )
        self.assertEqual(
            Carrier._biteship_event(status_news("lost_in_space"), "order-1")[
                "description"
            ],
            "Status kurir: lost_in_space",
        )
