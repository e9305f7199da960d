from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestIndonesian(TransactionCase):
    def test_indonesian_terms_load(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["delivery_carrier_freight_audit"], ["id_ID"], overwrite=True
        )
        env_id = self.env(context={"lang": "id_ID"})
        field = env_id["ir.model.fields"]._get("stock.picking", "freight_final")
        self.assertEqual(field.field_description, "Biaya Kirim Akhir")
        Cost = env_id["stock.picking.freight.cost"]
        labels = dict(Cost._fields["reason"]._description_selection(env_id))
        self.assertEqual(labels["weight"], "Berat / ukuran")
        self.assertEqual(
            env_id._("Freight cost not settled"), "Biaya kirim belum diselesaikan"
        )
