import json
import time
from datetime import datetime, timedelta, timezone

from odoo import fields
from odoo.tests import tagged

from ..controllers.webhook import WEBHOOK_MAX_BODY
from ..shipment_rules import shipment_state_after
from .common import TrackingCommon, apply_webhook_inbox

SECRET = "s3cret-for-tests"


def _iso(moment):
    return moment.replace(microsecond=0).isoformat()


@tagged("post_install", "-at_install")
class TestWebhookInput(TrackingCommon):
    """Whatever a sender puts in a webhook, the answer is 200, 400, 403 or
    413 (never 500), and no event can freeze or rewind a shipment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET

    def _url(self):
        return f"/delivery_tracking/webhook/{self.carrier.id}"

    def _event(self, picking, status, moment, event_id):
        """A signed webhook with one event; returns the response."""
        payload = {
            "tracking_number": picking.carrier_tracking_ref,
            "events": [{"id": event_id, "time": _iso(moment), "status": status}],
        }
        return self._post_webhook(self.carrier, payload, SECRET)

    def test_malformed_headers_are_refused(self):
        picking = self._validate(self._create_picking())
        raw = json.dumps({"tracking_number": picking.carrier_tracking_ref}).encode()
        now = str(int(time.time()))
        for timestamp, signature in (
            (now, "é" * 64),  # compare_digest() raises on non-ASCII text
            (now, "0" * 63),
            (now, "g" * 64),
            ("²", "0" * 64),  # isdigit(), but int() raises
            ("1" * 5000, "0" * 64),  # more digits than int() takes
            ("１２３".encode(), "0" * 64),  # full-width digits, as UTF-8 bytes
            ("-5", "0" * 64),
            ("", ""),
        ):
            response = self.opener.post(
                self.base_url() + self._url(),
                data=raw,
                timeout=12,
                headers={
                    "Content-Type": "application/json",
                    "X-Tracking-Timestamp": timestamp,
                    "X-Tracking-Signature": signature,
                },
            )
            self.assertEqual(response.status_code, 403, (timestamp, signature))
        self.assertEqual(self._post_webhook(self.carrier, raw, SECRET).status_code, 200)

    def test_large_bodies_refused_before_reading(self):
        headers = {"X-Tracking-Timestamp": str(int(time.time()))}
        headers["X-Tracking-Signature"] = "0" * 64
        # 2 MB announced, 1 KB sent: refused on the Content-Length without
        # waiting for the rest (the socket times out if the server reads on)
        start = time.monotonic()
        status, body = self._raw_post(
            self._url(), headers, b"{" + b" " * 1023, length=2 * WEBHOOK_MAX_BODY
        )
        self.assertEqual(status, 413, body)
        self.assertLess(time.monotonic() - start, 10)
        # no length (chunked): read up to the limit, then refused; 413 and not
        # 403 shows it is refused before the signature is checked
        status, body = self._raw_post(
            self._url(), headers, chunked_size=2 * WEBHOOK_MAX_BODY
        )
        self.assertEqual(status, 413, body)
        # a chunked body under the limit is read and verified as any other
        status, _body = self._raw_post(self._url(), headers, chunked_size=131072)
        self.assertEqual(status, 403)

    def test_signed_chunked_body_under_the_limit_is_applied(self):
        picking = self._validate(self._create_picking())
        payload = json.dumps(
            {
                "tracking_number": picking.carrier_tracking_ref,
                "events": [
                    {"id": "c1", "time": _iso(datetime.now()), "status": "picked_up"}
                ],
            }
        ).encode()

        def chunks():
            yield payload[:10]
            yield payload[10:]

        timestamp = str(int(time.time()))
        response = self.opener.post(
            self.base_url() + self._url(),
            data=chunks(),  # requests sends a generator chunked, no length
            timeout=12,
            headers={
                "Content-Type": "application/json",
                "X-Tracking-Timestamp": timestamp,
                "X-Tracking-Signature": self._signature(SECRET, timestamp, payload),
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(apply_webhook_inbox(self.env)["applied"], 1)
        self.assertEqual(picking.shipment_state, "picked_up")

    def test_future_event_cannot_freeze_the_state(self):
        picking = self._validate(self._create_picking())
        now = datetime.now(timezone.utc)
        # A carrier's clock (or a forger with the secret) dates an event in 2099
        response = self._event(picking, "exception", now.replace(year=2099), "f1")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(picking.shipment_state, "exception")
        event = picking.tracking_event_ids
        self.assertLessEqual(event.event_time, fields.Datetime.now())
        # recorded at its arrival: the next real event moves the shipment on
        response = self._event(picking, "in_transit", now + timedelta(minutes=1), "f2")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(picking.shipment_state, "in_transit")
        # within the allowed skew a carrier's time is kept as it is
        soon = now + timedelta(minutes=3)
        self._event(picking, "out_for_delivery", soon, "f3")
        self.assertEqual(picking.shipment_state, "out_for_delivery")
        self.assertEqual(
            picking.tracking_event_ids[0].event_time,
            soon.replace(tzinfo=None, microsecond=0),
        )
        # the same future event resent is still one event
        self._event(picking, "exception", now.replace(year=2099), "f1")
        self.assertEqual(len(picking.tracking_event_ids), 3)

    def test_odd_event_times_are_refused(self):
        picking = self._validate(self._create_picking())
        for moment in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "", 5):
            payload = {
                "tracking_number": picking.carrier_tracking_ref,
                "events": [{"id": "t", "time": moment, "status": "in_transit"}],
            }
            response = self._post_webhook(self.carrier, payload, SECRET)
            self.assertEqual(len(response.outcome["errors"]), 1, moment)
        self.assertFalse(picking.tracking_event_ids)

    def test_carrier_cannot_set_label_pending(self):
        picking = self._validate(self._create_picking())
        response = self._event(picking, "label_pending", datetime.now(), "p1")
        self.assertEqual(len(response.outcome["errors"]), 1)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertFalse(picking.tracking_event_ids)

    def test_late_events_never_move_a_shipment_back(self):
        picking = self._validate(self._create_picking())
        start = datetime.now(timezone.utc) - timedelta(days=2)

        def post(status, hours, event_id):
            response = self._event(
                picking, status, start + timedelta(hours=hours), event_id
            )
            self.assertEqual(response.status_code, 200, response.text)
            return picking.shipment_state

        self.assertEqual(post("in_transit", 5, "e1"), "in_transit")
        self.assertEqual(post("picked_up", 1, "e2"), "in_transit")  # late, older
        self.assertEqual(post("exception", 3, "e3"), "in_transit")  # late, older
        self.assertEqual(post("exception", 6, "e4"), "exception")
        self.assertEqual(post("label_created", 7, "e5"), "in_transit")  # resolved
        self.assertEqual(post("delivered", 8, "e6"), "delivered")
        self.assertEqual(post("exception", 9, "e7"), "delivered")
        self.assertEqual(post("cancelled", 10, "e8"), "delivered")
        self.assertEqual(post("returned", 11, "e9"), "returned")  # a return follows
        self.assertEqual(post("in_transit", 12, "e10"), "returned")
        self.assertEqual(len(picking.tracking_event_ids), 10)

    def test_state_order_in_one_place(self):
        """The rule itself: (state, event, stale, furthest progress) -> state."""
        cases = [
            ("label_created", "picked_up", False, False, "picked_up"),
            ("in_transit", "picked_up", False, False, "in_transit"),
            ("in_transit", "delivered", True, False, "delivered"),
            ("label_pending", "in_transit", False, False, "in_transit"),
            (False, "label_created", False, False, "label_created"),
            ("in_transit", "exception", False, False, "exception"),
            ("in_transit", "exception", True, False, "in_transit"),
            ("exception", "picked_up", False, "in_transit", "in_transit"),
            ("exception", "out_for_delivery", False, "in_transit", "out_for_delivery"),
            ("exception", "out_for_delivery", True, "in_transit", "exception"),
            ("exception", "delivered", False, False, "delivered"),
            ("delivered", "exception", False, False, "delivered"),
            ("delivered", "cancelled", False, False, "delivered"),
            ("delivered", "returned", False, False, "returned"),
            ("delivered", "returned", True, False, "returned"),
            ("in_transit", "returned", False, False, "returned"),
            ("returned", "delivered", False, False, "returned"),
            ("label_created", "cancelled", False, False, "cancelled"),
            ("cancelled", "in_transit", False, False, "cancelled"),
            ("exception", "cancelled", False, False, "cancelled"),
        ]
        for state, event, stale, progress, expected in cases:
            self.assertEqual(
                shipment_state_after(state, event, stale, progress),
                expected,
                (state, event, stale, progress),
            )


@tagged("post_install", "-at_install")
class TestPublicDocumentUrls(TrackingCommon):
    """Delivery slip and label URLs answer 404 for a token that cannot be
    right, never 500."""

    def test_made_up_tokens_get_404(self):
        lonely = self._validate(self._create_picking())  # no sale order
        self.assertFalse(lonely.sale_id)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "carrier_id": self.carrier.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        sold = order.picking_ids
        sold.move_ids.write({"quantity": 1, "picked": True})
        self._validate(sold)
        token = order._portal_ensure_token()
        self.authenticate(None, None)  # a public visitor
        for url in (
            f"/my/picking/pdf/{lonely.id}?access_token=made-up",
            f"/my/picking/return/pdf/{lonely.id}?access_token=made-up",
            f"/my/picking/pdf/{sold.id}?access_token=%C3%A9t%C3%A9",
            f"/my/picking/pdf/{sold.id}?access_token={token}x",
            f"/my/picking/pdf/{lonely.id + 100000}?access_token=made-up",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        response = self.url_open(f"/my/picking/pdf/{sold.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
