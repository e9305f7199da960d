from odoo import SUPERUSER_ID, api
from odoo.addons.delivery_carrier_tracking.tests.common import (
    remove_committed_delivery,
    send_twice_at_once,
)
from odoo.tests import TransactionCase, tagged

from .common import API_KEY, BiteshipStandInMixin


@tagged("post_install", "-at_install")
class TestBiteshipIdempotency(BiteshipStandInMixin, TransactionCase):
    """Real concurrent transactions: the records are committed, then removed."""

    def setUp(self):
        # Registered first, so run last: after the test's savepoint is rolled
        # back, which releases the rows the test transaction locked (its
        # records pointing at the committed delivery).
        self.addCleanup(self._remove_records)
        super().setUp()
        # No waybill at creation: no label PDF, which needs a running server.
        self.server.waybill_on_create = False
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.ids = self._create_records(env)

    def _create_records(self, env):
        carrier, partner, product, idr_rate = self._create_shop(
            env,
            "Biteship idempotency",
            biteship_api_key=API_KEY,
            biteship_timeout=5.0,
        )
        picking = self._create_delivery(carrier, partner, product, 2)
        # as deliveries are shipped: their goods counted (core's packages)
        picking.action_confirm()
        picking.move_ids.write({"quantity": 2, "picked": True})
        return {
            "idr_rate": idr_rate.id,
            "picking": picking.id,
            "carrier": carrier.id,
            "products": (product | carrier.product_id).ids,
            "partner": partner.id,
        }

    def _remove_records(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            remove_committed_delivery(
                env, self.ids["picking"], self.ids["carrier"], self.ids["products"]
            )
            env["res.partner"].browse(self.ids["partner"]).unlink()
            env["res.currency.rate"].browse(self.ids["idr_rate"]).unlink()

    @staticmethod
    def _send(picking):
        picking.carrier_id.send_shipping(picking)
        return picking.carrier_shipment_id

    def test_concurrent_sends_one_order(self):
        self.server.latency = 0.3  # both transactions are in flight together
        results = send_twice_at_once(self.registry, self.ids["picking"], self._send)
        self.assertEqual(self.server.orders_created, 1)
        self.assertEqual(len(results), 2)
        self.assertEqual(len(set(results)), 1)

    def test_retry_after_rollback_one_order(self):
        picking = self.env["stock.picking"].browse(self.ids["picking"])
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            picking.carrier_id.send_shipping(picking)
            first = picking.carrier_shipment_id
            raise RuntimeError("validation failed after Biteship took the order")
        picking.invalidate_recordset()
        self.assertFalse(picking.carrier_shipment_id)
        picking.carrier_id.send_shipping(picking)
        self.assertEqual(picking.carrier_shipment_id, first)
        self.assertEqual(self.server.orders_created, 1)
