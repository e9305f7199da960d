from datetime import datetime, timedelta, timezone

from odoo import fields
from odoo.tests import tagged

from .common import BiteshipCommon

SECRET = "whsec-test-0123456789"


@tagged("post_install", "-at_install")
class TestBiteshipWebhook(BiteshipCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship.tracking_webhook_secret = SECRET

    def _url(self):
        return f"{self.base_url()}/delivery_tracking/webhook/{self.biteship.id}"

    def test_waybill_then_delivered(self):
        self.server.waybill_on_create = False
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        self.assertFalse(picking.carrier_tracking_ref)
        self.env.flush_all()  # committed long before Biteship calls back

        waybill = self.server.set_waybill(order_id)
        payload = self.server.webhook_payload("order.waybill_id", order_id)
        status, body, outcome = self._send_webhook(self._url(), payload, SECRET)
        self.assertEqual(status, 200, body)
        self.assertEqual(outcome["applied"], 1)
        # the webhook wrote the delivery and its parcels in its own environment
        self.env.invalidate_all()
        self.assertEqual(picking.carrier_tracking_ref, waybill)
        self.assertFalse(
            picking.tracking_label_ids, "made by the cron, not the webhook"
        )
        self.assertLessEqual(picking.tracking_next_poll_at, fields.Datetime.now())

        self.server.set_status(order_id, "delivered", "Received by Budi")
        payload = self.server.webhook_payload("order.status", order_id)
        # Biteship's own dashboard header instead of the HMAC scheme
        status, body, outcome = self._send_webhook(
            self._url(), payload, SECRET, header_name="X-Biteship-Signature"
        )
        self.assertEqual(status, 200, body)
        # resent by Biteship: still one event
        self._send_webhook(self._url(), payload, SECRET)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(
            picking.tracking_event_ids.mapped("status_code"), ["delivered"]
        )
        # the poll later reads the same event from the tracking history: no twin
        self.biteship.biteship_tracking_update(picking)
        self.assertEqual(
            sorted(picking.tracking_event_ids.mapped("status_code")),
            ["confirmed", "delivered"],
        )
        # ... and prints the label of the waybill the webhook brought
        self.assertEqual(len(picking.tracking_label_ids), 1)
        self.assertIn(waybill, picking.tracking_label_ids.name)

    def test_rejected_and_ignored(self):
        picking = self._ship()
        payload = self.server.webhook_payload(
            "order.status", picking.carrier_shipment_id
        )
        status, _body, _outcome = self._send_webhook(
            self._url(), payload, "wrong-secret"
        )
        self.assertEqual(status, 403)
        status, _body, _outcome = self._send_webhook(
            self._url(), payload, "wrong", header_name="X-Biteship-Signature"
        )
        self.assertEqual(status, 403)
        status, _body, _outcome = self._send_webhook(self._url(), b"{not json", SECRET)
        self.assertEqual(status, 400)
        price = self.server.webhook_payload("order.price", picking.carrier_shipment_id)
        status, body, outcome = self._send_webhook(self._url(), price, SECRET)
        self.assertEqual(status, 200, body)
        self.assertEqual(outcome["errors"], [])
        self.assertEqual(len(picking.tracking_event_ids), 0)

    def test_status_description_and_time(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        two_days_ago = datetime.now(timezone.utc) - timedelta(days=2)
        self.server.set_status(order_id, "picked", when=two_days_ago)
        payload = self.server.webhook_payload("order.status", order_id)
        self.assertNotIn("note", payload, "Biteship sends no note with a status")
        status, body, outcome = self._send_webhook(self._url(), payload, SECRET)
        self.assertEqual(status, 200, body)
        self.assertEqual(outcome["errors"], [])
        picking.invalidate_recordset()
        event = picking.tracking_event_ids
        self.assertEqual(event.status_code, "picked")
        # Biteship's note and time of that status in the order's history
        self.assertEqual(event.description, "Order picked")
        self.assertEqual(
            event.event_time,
            two_days_ago.replace(tzinfo=None, microsecond=0),
        )

        # a note Biteship keeps in the order's history wins, with its time;
        # a camelCase hint is the same status
        when = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=7)))
        self.server.set_status(order_id, "dropping_off", "Arrived at Bandung hub", when)
        payload = dict(
            self.server.webhook_payload("order.status", order_id), status="droppingOff"
        )
        [shipment] = self.biteship.biteship_webhook_events(payload, {})
        [event] = shipment["events"]
        self.assertEqual(event["description"], "Arrived at Bandung hub")
        self.assertEqual(event["event_time"], datetime(2026, 3, 2, 2, 30))
        self.assertEqual(event["shipment_state"], "in_transit")

    def test_same_input_rules_as_any_webhook(self):
        """Biteship's path has its own check and parser, and the same limits:
        odd headers 403, large bodies 413, no future-dated event freezes the
        shipment."""
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        self.env.flush_all()
        payload = self.server.webhook_payload("order.status", order_id)
        status, _body, _outcome = self._send_webhook(
            self._url(), payload, "sécret", header_name="X-Biteship-Signature"
        )
        self.assertEqual(status, 403)
        status, _body = self._raw_post(
            f"/delivery_tracking/webhook/{self.biteship.id}",
            {"X-Biteship-Signature": SECRET},
            b"{",
            length=2 * 1024 * 1024,
        )
        self.assertEqual(status, 413)

        # an on-hold dated 2099 is recorded at its arrival...
        self.server.set_status(
            order_id, "on_hold", when=datetime(2099, 1, 1, tzinfo=timezone.utc)
        )
        payload = self.server.webhook_payload("order.status", order_id)
        status, body, outcome = self._send_webhook(
            self._url(), payload, SECRET, header_name="X-Biteship-Signature"
        )
        self.assertEqual(status, 200, body)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "exception")
        self.assertLessEqual(
            picking.tracking_event_ids.event_time, fields.Datetime.now()
        )
        # ... so the courier's next status moves the shipment on
        in_a_minute = datetime.now(timezone.utc) + timedelta(minutes=1)
        self.server.set_status(order_id, "dropping_off", when=in_a_minute)
        payload = self.server.webhook_payload("order.status", order_id)
        status, body, outcome = self._send_webhook(
            self._url(), payload, SECRET, header_name="X-Biteship-Signature"
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(outcome["errors"], [])
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "in_transit")

    def test_numeric_waybill(self):
        """A waybill sent as a JSON number is a waybill, not an error 500."""
        self.server.waybill_on_create = False
        picking = self._ship()
        self.env.flush_all()
        # the number the webhook's GET /v1/orders/:id confirms
        self.server.set_waybill(picking.carrier_shipment_id, 1234567890)
        payload = dict(
            self.server.webhook_payload(
                "order.waybill_id", picking.carrier_shipment_id
            ),
            courier_waybill_id=1234567890,
        )
        status, body, outcome = self._send_webhook(self._url(), payload, SECRET)
        self.assertEqual(status, 200, body)
        picking.invalidate_recordset()
        self.assertEqual(picking.carrier_tracking_ref, "1234567890")
        payload["courier_waybill_id"] = ["not", "a", "waybill"]
        status, body, outcome = self._send_webhook(self._url(), payload, SECRET)
        self.assertEqual(status, 200, body)
        self.assertEqual(len(outcome["errors"]), 1, outcome)
