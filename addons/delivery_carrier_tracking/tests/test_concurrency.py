from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import TrackingCommon, race


@tagged("post_install", "-at_install")
class TestConcurrency(TrackingCommon):
    """Two transactions at once on one delivery, on real, committed data (the
    test transaction is invisible to other connections)."""

    def _in_new_transaction(self, func):
        with db_connect(self.env.cr.dbname).cursor() as cr:  # commits on exit
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _committed_setup(self, env, carrier_vals):
        sequence = env["ir.sequence"].create(
            {"name": "Concurrency", "prefix": "CC", "padding": 6}
        )
        product = env["product.product"].create({"name": "Courier", "type": "service"})
        carrier = env["delivery.carrier"].create(
            {
                "name": "Concurrent Courier",
                "product_id": product.id,
                "tracking_create_label": True,
                "tracking_sequence_id": sequence.id,
                **carrier_vals,
            }
        )
        customer = env["res.partner"].create(
            {
                "name": "Concurrent Customer",
                "street": "Jl. Asia Afrika 8",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 2222",
            }
        )
        goods = env["product.product"].create(
            {"name": "Shirt", "type": "consu", "weight": 0.5}
        )
        picking_type = env["stock.warehouse"].search([], limit=1).out_type_id
        customers = env.ref("stock.stock_location_customers")
        picking = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": customer.id,
                "carrier_id": carrier.id,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Shirt",
                            "product_id": goods.id,
                            "product_uom_qty": 1,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": customers.id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.write({"quantity": 1, "picked": True})
        return picking.id, carrier.id, sequence.id

    def _assert_one_shipment(self, picking_id, sequence_id):
        def check(env):
            picking = env["stock.picking"].browse(picking_id)
            self.assertEqual(picking.state, "done")
            self.assertEqual(picking.shipment_state, "label_created")
            self.assertRegex(picking.carrier_tracking_ref, r"^CC\d{6}$")
            self.assertEqual(len(picking.tracking_label_ids), 1)
            # standard sequences are not transactional: a rolled-back second
            # shipment would still have consumed a number
            self.assertEqual(
                env["ir.sequence"].browse(sequence_id).number_next_actual, 2
            )
            picking.shipment_state = "cancelled"  # keep later cron tests clean

        self._in_new_transaction(check)

    def test_two_validations_at_once_ship_once(self):
        picking_id, _carrier_id, sequence_id = self._in_new_transaction(
            lambda env: self._committed_setup(env, {"delivery_type": "fixed"})
        )
        outcomes = race(
            self.env.cr.dbname,
            lambda env: env["stock.picking"].browse(picking_id).button_validate(),
        )
        self.assertIn("ok", outcomes)
        self._assert_one_shipment(picking_id, sequence_id)

    def test_two_retries_at_once_ship_once(self):
        france = self.env.ref("base.fr")

        def pending(env):
            ids = self._committed_setup(
                env,
                {"delivery_type": "base_on_rule", "country_ids": [(6, 0, france.ids)]},
            )
            picking = env["stock.picking"].browse(ids[0])
            picking.button_validate()
            self.assertEqual(picking.shipment_state, "label_pending")
            picking.carrier_id.country_ids = False
            picking.tracking_next_poll_at = False
            return ids

        picking_id, _carrier_id, sequence_id = self._in_new_transaction(pending)
        outcomes = race(
            self.env.cr.dbname, lambda env: env["stock.picking"]._cron_tracking_update()
        )
        self.assertEqual(outcomes, ["ok", "ok"])  # the second skips the locked row
        self._assert_one_shipment(picking_id, sequence_id)
