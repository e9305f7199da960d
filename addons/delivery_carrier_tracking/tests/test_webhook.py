import time

from odoo.tests import tagged
from odoo.tools import format_amount, html2plaintext

from .common import TrackingCommon

SECRET = "s3cret-for-tests"


@tagged("post_install", "-at_install")
class TestWebhook(TrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET

    def _post(self, body, timestamp=None, secret=SECRET, signature=None):
        return self._post_webhook(self.carrier, body, secret, timestamp, signature)

    def _payload(self, picking, event_id="evt-1", status="in_transit", **extra):
        return {
            "tracking_number": picking.carrier_tracking_ref,
            "events": [
                {
                    "id": event_id,
                    "time": "2025-01-10T15:00:00+07:00",
                    "status": status,
                    "description": "Parcel left the <b>Jakarta</b> hub",
                    "location": "Jakarta",
                }
            ],
            **extra,
        }

    def test_signed_event_applied_once(self):
        picking = self._validate(self._create_picking())
        payload = self._payload(picking)
        response = self._post(payload)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.outcome["applied"], 1)
        self.assertEqual(picking.shipment_state, "in_transit")
        event = picking.tracking_event_ids
        self.assertEqual(len(event), 1)
        self.assertEqual(str(event.event_time), "2025-01-10 08:00:00")  # UTC
        self.assertEqual(self._post(payload).status_code, 200)
        picking.invalidate_recordset()
        self.assertEqual(len(picking.tracking_event_ids), 1)

    def test_new_tracking_number_by_webhook(self):
        dropoff = self._create_carrier("Drop-off", tracking_webhook_secret=SECRET)
        picking = self._validate(self._create_picking(carrier=dropoff))
        picking.carrier_shipment_id = "ORDER-77"
        response = self._post_webhook(
            dropoff,
            {
                "carrier_shipment_id": "ORDER-77",
                "new_tracking_number": "WB777",
                "events": [],
            },
            SECRET,
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(picking.carrier_tracking_ref, "WB777")

    def test_event_queries_and_no_chatter(self):
        """The webhook's lean path (bench/README.md, Webhook profile): a new
        event moving the delivery, and its resend, in a bounded number of
        queries (caches cold); the state moves without a chatter message (the
        events are its history)."""
        picking = self._validate(self._create_picking())
        shipments = self.carrier._tracking_webhook_events(self._payload(picking), {})
        messages = picking.message_ids

        def queries():
            self.env.invalidate_all()
            count = self.cr.sql_log_count
            applied = self.carrier._tracking_webhook_apply(shipments)
            self.env.flush_all()
            return applied, self.cr.sql_log_count - count

        (applied, __), new = queries()
        self.assertEqual(applied, 1)
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertEqual(picking.message_ids, messages)
        (applied, __), resend = queries()
        self.assertEqual(applied, 1)
        self.assertEqual(len(picking.tracking_event_ids), 1)
        # measured 23 and 9 with all our modules (the poll budget's last
        # carrier news included); one of slack for modules that add a read
        self.assertLessEqual(new, 24)
        self.assertLessEqual(resend, 10)

    def test_rejections(self):
        picking = self._validate(self._create_picking())
        payload = self._payload(picking)
        self.assertEqual(self._post(payload, signature="0" * 64).status_code, 403)
        self.assertEqual(self._post(payload, secret="wrong").status_code, 403)
        stale = int(time.time()) - 301
        self.assertEqual(self._post(payload, timestamp=stale).status_code, 403)
        self.assertEqual(self._post(b"{not json").status_code, 400)
        # accepted (signed, JSON), then refused by the inbox with the reason
        bad_state = self._payload(picking, status="lost_in_space")
        response = self._post(bad_state)
        self.assertEqual(response.json()["accepted"], 1)
        self.assertIn("lost_in_space", response.outcome["errors"][0])
        self.assertEqual(
            self.url_open(
                f"/delivery_tracking/webhook/{self.carrier.id}", data=b"{}"
            ).status_code,
            403,
        )
        self.assertFalse(picking.tracking_event_ids)

    def test_empty_test_post_of_a_carrier_dashboard(self):
        """Dashboards test a new webhook with an empty POST: answered 200 when
        signed, refused like anything else when not."""
        response = self._post(b"")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            {k: response.json()[k] for k in ("status", "applied", "unknown")},
            {"status": "ok", "applied": 0, "unknown": 0},
        )
        url = f"{self.base_url()}/delivery_tracking/webhook/{self.carrier.id}"
        self.assertEqual(self.opener.post(url, data=b"", timeout=12).status_code, 403)
        self.assertEqual(self._post(b"", signature="0" * 64).status_code, 403)
        self.assertEqual(self._post(b"", secret="wrong").status_code, 403)

    def test_price_from_the_carrier(self):
        picking = self._validate(self._create_picking())
        self.assertEqual(picking.carrier_price, 10.0)  # the carrier's fixed price
        payload = {"tracking_number": picking.carrier_tracking_ref, "price": 12.5}
        response = self._post(payload)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(picking.carrier_price, 12.5)
        note = html2plaintext(picking.message_ids[0].body)
        currency = self.env.company.currency_id
        self.assertIn(
            f"{format_amount(self.env, 10.0, currency)} → "
            f"{format_amount(self.env, 12.5, currency)}",
            note,
        )
        # the same price again (a resent webhook): no new note
        self.assertEqual(self._post(payload).status_code, 200)
        price_notes = picking.message_ids.filtered(
            lambda m: "Shipping cost updated" in m.body
        )
        self.assertEqual(len(price_notes), 1)
        # no price, or null: left alone; 0 is a price
        self._post({"tracking_number": picking.carrier_tracking_ref, "price": None})
        self._post(self._payload(picking))
        self.assertEqual(picking.carrier_price, 12.5)
        self._post({"tracking_number": picking.carrier_tracking_ref, "price": 0})
        self.assertEqual(picking.carrier_price, 0.0)
        for bad in ("12.5", -1, True, [1]):
            response = self._post(
                {"tracking_number": picking.carrier_tracking_ref, "price": bad}
            )
            self.assertEqual(response.status_code, 200, bad)
            self.assertIn("not a valid amount", response.outcome["errors"][0])
        self.assertEqual(picking.carrier_price, 0.0)

    def test_unknown_shipment_is_not_an_error(self):
        payload = {"tracking_number": "NOPE-1", "events": []}
        response = self._post(payload)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.outcome["unknown"], 1)

    def test_delivered_by_webhook_mails_the_customer_from_the_company(self):
        """The webhook runs as the public user, who has no email address: the
        customer mail goes out in the company's name."""
        self.env.company.write(
            {"tracking_delivered_mail": True, "email": "shop@example.com"}
        )
        picking = self._validate(self._create_picking())
        response = self._post(self._payload(picking, status="delivered"))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(picking.shipment_state, "delivered")
        mail = self.env["mail.message"].search(
            [
                ("model", "=", "stock.picking"),
                ("res_id", "=", picking.id),
                ("subject", "ilike", "was delivered"),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.author_id, self.env.company.partner_id)
        self.assertIn(self.customer, mail.partner_ids)
