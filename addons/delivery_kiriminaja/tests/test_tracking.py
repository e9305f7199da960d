from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..kiriminaja.client import TRACKING
from .common import KiriminAjaShippedCase


@tagged("post_install", "-at_install")
class TestTracking(KiriminAjaShippedCase):
    """The poll (POST /api/mitra/tracking): the AWB, the events, the states."""

    def test_poll_sets_awb_then_states(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        # KiriminAja has not validated the package yet: nothing new
        self.assertEqual(self.carrier.kiriminaja_tracking_update(picking), {})
        self.assertFalse(picking.carrier_tracking_ref)

        awb = self.server.process(order_id)
        self.server.add_history(order_id, 105, "Menunggu AWB", "2026-02-16 08:30:00")
        self.assertEqual(self.carrier.kiriminaja_tracking_update(picking), {})
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertIn(
            f"Tracking number set to {awb}", str(picking.message_ids.mapped("body"))
        )
        # the shop's label with the AWB, once
        [label] = picking.tracking_label_ids
        self.assertTrue(label.raw.startswith(b"%PDF"))
        self.assertIn(awb, label.name)
        self.carrier.kiriminaja_tracking_update(picking)
        self.assertEqual(picking.tracking_label_ids, label)

        self.server.add_history(
            order_id,
            106,
            "Paket dibawa kurir JAKARTA",
            "2026-02-16 14:00:00",
            shipped_at="2026-02-16 13:00:00",
        )
        self.carrier.kiriminaja_tracking_update(picking)
        self.assertEqual(picking.shipment_state, "in_transit")
        shipped = picking.tracking_event_ids.filtered(
            lambda e: e.status_code == "shipped_packages"
        )
        self.assertEqual(shipped.shipment_state, "picked_up")
        # KiriminAja's Jakarta time, stored in UTC
        self.assertEqual(
            shipped.event_time, fields.Datetime.to_datetime("2026-02-16 06:00:00")
        )

        self.server.add_history(
            order_id,
            200,
            "Delivered to BUDI | BANDUNG",
            "2026-02-17 10:00:00",
            delivered_at="2026-02-17 10:00:00",
            images={
                "camera_img": "https://pod.example.com/photo.jpeg",
                "signature_img": "javascript:alert(1)",
                "pop_img": None,
            },
        )
        self.carrier.kiriminaja_tracking_update(picking)
        self.assertEqual(picking.shipment_state, "delivered")
        proofs = [
            body
            for body in picking.message_ids.mapped("body")
            if "proof of delivery" in body
        ]
        self.assertEqual(len(proofs), 1)
        self.assertIn("https://pod.example.com/photo.jpeg", proofs[0])
        self.assertNotIn("javascript", proofs[0])
        # the same answer again: no twin event, no second proof
        count = len(picking.tracking_event_ids)
        self.carrier.kiriminaja_tracking_update(picking)
        self.assertEqual(len(picking.tracking_event_ids), count)
        self.assertEqual(
            sorted(picking.tracking_event_ids.mapped("status_code")),
            ["105", "106", "200", "finished_packages", "shipped_packages"],
        )
        self.assertEqual(
            len([b for b in picking.message_ids.mapped("body") if "proof of" in b]),
            1,
        )

    def test_unknown_package_and_unmapped_status(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        self.server.add_history(order_id, 999, "Status baru", "2026-02-16 09:00:00")
        self.assertEqual(self.carrier.kiriminaja_tracking_update(picking), {})
        [event] = picking.tracking_event_ids
        self.assertEqual(event.status_code, "999")
        self.assertFalse(event.shipment_state)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertIn("999", str(picking.message_ids.mapped("body")))

        del self.server.orders[order_id]  # not KiriminAja's (another account)
        failures = self.carrier.kiriminaja_tracking_update(picking)
        self.assertIn(order_id, str(failures[picking.id]))

    def test_cost_correction(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        before = picking.carrier_price
        self.server.add_history(
            order_id, 106, "Ditimbang ulang", "2026-02-16 09:00:00", correction=14000
        )
        self.carrier.kiriminaja_tracking_update(picking)
        idr = self.env.ref("base.IDR")
        expected = idr._convert(
            28000 + 14000, self.env.company.currency_id, self.env.company, picking.date
        )
        self.assertAlmostEqual(picking.carrier_price, expected, 2)
        self.assertGreater(picking.carrier_price, before)

    def test_scheduler_polls_within_the_budget(self):
        """The cron (as its own user) polls due KiriminAja shipments through
        the account's request budget."""
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        awb = self.server.process(order_id)
        self.server.add_history(order_id, 106, "Dibawa kurir", "2026-02-16 14:00:00")
        picking.tracking_next_poll_at = fields.Datetime.now() - timedelta(minutes=1)
        cron = self.env.ref("delivery_carrier_tracking.ir_cron_tracking_update")
        self.env["stock.picking"].with_user(cron.user_id)._cron_tracking_update()
        self.assertEqual(self.server.calls(TRACKING)[-1], {"order_id": order_id})
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertGreater(picking.tracking_next_poll_at, fields.Datetime.now())
        self.assertTrue(self.carrier._tracking_rate_account().startswith("kiriminaja:"))
        self.assertNotIn(
            self.carrier.sudo().kiriminaja_api_key,
            str(self.carrier._tracking_rate_account()),
        )

    def test_too_many_requests_pauses_the_account(self):
        picking = self._shipped()
        self.server.broken = (429, {"status": False, "text": "Too Many Attempts."})
        failures = self.carrier.kiriminaja_tracking_update(picking)
        self.assertTrue(hasattr(failures[picking.id], "retry_after"))

    def test_cancelled_package_is_not_adopted(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        self.assertTrue(self.carrier.kiriminaja_booking_lookup(picking, order_id))
        self.server.add_history(order_id, 302, "Batal pickup", "2026-02-16 09:00:00")
        self.assertIsNone(self.carrier.kiriminaja_booking_lookup(picking, order_id))
