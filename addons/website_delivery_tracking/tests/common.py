from datetime import datetime, timedelta

from odoo import Command
from odoo.addons.delivery_carrier_tracking.tests.common import TrackingCommon

MODULES_WITH_TERMS = [
    "website_delivery_tracking",
    "delivery_carrier_tracking",
    "sale_order_fulfilment",
]


def tracking_event(hours, state, description="", **extra):
    """A carrier event as providers hand them to _tracking_apply_events."""
    return {
        "event_time": datetime(2025, 1, 10, 8, 0) + timedelta(hours=hours),
        "shipment_state": state,
        "status_code": state.upper(),
        "description": description or f"Courier says {state}",
        "location": "Jakarta Hub",
        **extra,
    }


class WebsiteTrackingCommon(TrackingCommon):
    """Web orders of a website offering English and Indonesian, shipped with
    the in-house test courier (number from a sequence, label at validation)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "shop@example.com"
        lang_id = cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"]._load_module_terms(
            MODULES_WITH_TERMS, ["id_ID"], overwrite=True
        )
        cls.website = cls.env["website"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.website.write(
            {
                "language_ids": [Command.link(lang_id.id)],
                "tracking_mail_shipped": True,
                "tracking_mail_out_for_delivery": True,
                "tracking_mail_problem": True,
                "tracking_mail_delivered": True,
            }
        )
        cls.customer.mobile = False
        cls.customer_id = cls.env["res.partner"].create(
            {
                "name": "Siti Rahayu",
                "email": "siti@example.com",
                "street": "Jl. Kenanga 5",
                "city": "Surabaya",
                "zip": "60111",
                "phone": "+62 813 2222 3344",
                "country_id": cls.country_id.id,
                "lang": "id_ID",
            }
        )

    def _web_order(self, partner=None, carrier=None, validate=True):
        """A confirmed order of the website; its delivery validated."""
        order = self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "website_id": self.website.id,
                "carrier_id": (carrier or self.carrier).id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2}
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.carrier_id, carrier or self.carrier)
        if validate:
            picking.move_ids.write({"quantity": 2, "picked": True})
            self._validate(picking)
            self._commit_point()
        return order, picking

    def _commit_point(self):
        """What a commit runs first (the precommit hooks, where the
        milestone mails go out), without committing the test's transaction."""
        self.env.cr.flush()
        self.env.invalidate_all()
