from odoo import SUPERUSER_ID, Command, api
from odoo.addons.delivery_carrier_tracking.tests.common import race
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestMilestoneConcurrency(TransactionCase):
    """A webhook and a poll bringing the same news at the same moment, in two
    workers: two real transactions on committed data (the test transaction
    is invisible to other connections, and writes nothing they write)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].search([], limit=1)

    def _in_new_transaction(self, func):
        with db_connect(self.env.cr.dbname).cursor() as cr:  # commits on exit
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _committed_delivered_parcel(self, env):
        website = env["website"].browse(self.website.id)
        sequence = env["ir.sequence"].create(
            {"name": "Race numbers", "prefix": "RACE", "padding": 6}
        )
        carrier = env["delivery.carrier"].create(
            {
                "name": "Race Courier",
                "product_id": env["product.product"]
                .create({"name": "Race Courier", "type": "service"})
                .id,
                "tracking_create_label": True,
                "tracking_sequence_id": sequence.id,
            }
        )
        product = env["product.product"].create(
            {"name": "Race Shirt", "type": "consu", "weight": 0.5}
        )
        customer = env["res.partner"].create(
            {
                "name": "Race Customer",
                "email": "race@example.com",
                "street": "Jl. Balai Kota 1",
                "city": "Medan",
                "zip": "20111",
                "phone": "+62 812 0000 3333",
                "country_id": env.ref("base.id").id,
            }
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "website_id": website.id,
                "carrier_id": carrier.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        picking.button_validate()
        # delivered while the website sends no mails: nothing is claimed yet
        picking.parcel_ids.shipment_state = "delivered"
        return picking.id, picking.parcel_ids.id

    def _set_delivered_mail(self, value):
        def write(env):
            env["website"].browse(self.website.id).tracking_mail_delivered = value
            # flushed by hand: leaving the cursor's block committed without
            # writing it (seen here), and the racing workers must read it
            env.flush_all()

        self._in_new_transaction(write)

    def test_two_workers_mail_delivered_once(self):
        self._set_delivered_mail(False)
        picking_id, parcel_id = self._in_new_transaction(
            self._committed_delivered_parcel
        )
        self._set_delivered_mail(True)
        try:
            outcomes = race(
                self.env.cr.dbname,
                lambda env: (
                    env["stock.picking.parcel"]
                    .browse(parcel_id)
                    ._tracking_send_milestones()
                ),
            )
        finally:
            self._set_delivered_mail(False)
        # Whichever comes second either sees the first one's claim (its
        # snapshot began after that commit) or fails to serialize and is
        # retried: never a second claim, never a second mail.
        self.assertIn("ok", outcomes)
        self.assertLessEqual(set(outcomes), {"ok", "SerializationFailure"})

        def check(env):
            milestones = env["stock.picking.parcel.milestone"].search(
                [("parcel_id", "=", parcel_id)]
            )
            self.assertEqual(milestones.mapped("milestone"), ["delivered"])
            mails = env["mail.message"].search(
                [
                    ("model", "=", "stock.picking"),
                    ("res_id", "=", picking_id),
                    ("subject", "ilike", "was delivered"),
                ]
            )
            self.assertEqual(len(mails), 1)
            # the retry of the loser: nothing more to mail
            env["stock.picking.parcel"].browse(parcel_id)._tracking_send_milestones()
            self.assertEqual(
                env["mail.message"].search_count(
                    [("model", "=", "stock.picking"), ("res_id", "=", picking_id)]
                    + [("subject", "ilike", "was delivered")]
                ),
                1,
            )

        self._in_new_transaction(check)
