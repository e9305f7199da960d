from odoo.exceptions import UserError
from odoo.tests import tagged

from ..kiriminaja.client import CANCEL_SHIPMENT
from .common import KiriminAjaShippedCase


@tagged("post_install", "-at_install")
class TestCancel(KiriminAjaShippedCase):
    """Cancel Order Express (/docs/order/void) from the delivery's button."""

    def test_cancel(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        awb = self.server.process(order_id)
        self.carrier.kiriminaja_tracking_update(picking)
        self.assertEqual(picking.carrier_tracking_ref, awb)

        self.assertIs(picking.with_user(self.warehouse_user).cancel_shipment(), True)
        [body] = self.server.calls(CANCEL_SHIPMENT)
        self.assertEqual(body["awb"], awb)
        self.assertEqual(body["reason"], f"Cancelled from Odoo delivery {picking.name}")
        self.assertTrue(self.server.orders[order_id]["canceled"])
        self.assertEqual(picking.shipment_state, "cancelled")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertIn("pending", str(picking.message_ids.mapped("body")))
        # the booking journal knows it dead: never adopted again
        self.assertFalse(
            self.env["delivery.carrier.booking"]._known_ids(self.carrier, picking)
        )

    def test_refused_after_pickup(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        awb = self.server.process(order_id)
        self.server.add_history(
            order_id,
            106,
            "Dibawa kurir",
            "2026-02-16 14:00:00",
            shipped_at="2026-02-16 13:00:00",
        )
        self.carrier.kiriminaja_tracking_update(picking)
        with self.assertRaisesRegex(UserError, "dijemput kurir"):
            picking.with_user(self.warehouse_user).cancel_shipment()
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(picking.carrier_shipment_id, order_id)
        self.assertFalse(self.server.orders[order_id]["canceled"])

    def test_checked_before_asking(self):
        picking = self._shipped()
        # no AWB yet: KiriminAja cancels by AWB only
        with self.assertRaisesRegex(UserError, "AWB"):
            picking.cancel_shipment()
        self.server.process(picking.carrier_shipment_id)
        self.carrier.kiriminaja_tracking_update(picking)
        with self.assertRaisesRegex(UserError, "5 to 200"):
            picking.with_context(shipment_cancel_reason="oops").cancel_shipment()
        self.assertFalse(self.server.calls(CANCEL_SHIPMENT))
        self.assertEqual(picking.shipment_state, "label_created")
        # a reason given by the user goes to KiriminAja as written
        picking.with_context(
            shipment_cancel_reason="Pembeli membatalkan pesanan"
        ).cancel_shipment()
        [body] = self.server.calls(CANCEL_SHIPMENT)
        self.assertEqual(body["reason"], "Pembeli membatalkan pesanan")

    def test_cancel_two_deliveries_at_once(self):
        pickings = self._shipped() | self._shipped()
        for picking in pickings:
            self.server.process(picking.carrier_shipment_id)
        self.carrier.kiriminaja_tracking_update(pickings)
        self.assertIs(pickings.with_user(self.warehouse_user).cancel_shipment(), True)
        # one request per package, though core hands all of them over per picking
        self.assertEqual(
            sorted(body["awb"] for body in self.server.calls(CANCEL_SHIPMENT)),
            sorted(o["awb"] for o in self.server.orders.values()),
        )
        self.assertEqual(pickings.mapped("shipment_state"), ["cancelled"] * 2)
