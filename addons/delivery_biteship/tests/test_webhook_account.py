"""Biteship webhooks as Biteship sends them (https://biteship.com/id/docs/api/webhook
and the real ones in shared/biteship_real_payloads): one URL per account, no
signature (a hint confirmed with GET /v1/orders/:id)."""

import json
from datetime import datetime, timedelta, timezone

from odoo.tests import tagged

from .common import API_KEY, BiteshipCommon

SECRET = "whsec-account-0123456789"
HEADER = "X-Biteship-Signature"


@tagged("post_install", "-at_install")
class TestBiteshipWebhookAccount(BiteshipCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship.tracking_webhook_secret = SECRET
        # a second method on the same Biteship account
        cls.sicepat = cls._create_carrier(
            "Biteship SiCepat REG",
            delivery_type="biteship",
            tracking_create_label=False,
            biteship_api_key=API_KEY,
            biteship_base_url=cls.server.url,
            biteship_courier_company="sicepat",
            biteship_courier_type="reg",
            biteship_timeout=2.0,
        )

    def _url(self, carrier=None):
        carrier = carrier or self.biteship
        return f"{self.base_url()}/delivery_tracking/webhook/{carrier.id}"

    def _post(self, payload):
        status, body, outcome = self._send_webhook(
            self._url(), payload, SECRET, header_name=HEADER
        )
        self.assertEqual(status, 200, body)
        return outcome

    def test_one_url_for_every_method_of_the_account(self):
        picking = self._validate(self._create_picking(carrier=self.sicepat))
        order_id = picking.carrier_shipment_id
        self.env.flush_all()
        self.server.set_status(order_id, "picked")
        answer = self._post(self.server.webhook_payload("order.status", order_id))
        self.assertEqual((answer["applied"], answer["unknown"]), (1, 0))
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "picked_up")

    def test_found_by_waybill_and_courier(self):
        """A delivery whose number was typed in (no Biteship order id in
        Odoo) is found by waybill among the account's methods."""
        booked = self.server.create_order(
            {
                "origin_contact_name": "Gudang",
                "origin_contact_phone": "021",
                "origin_address": "Jl. Gudang 1",
                "origin_postal_code": 10110,
                "destination_contact_name": "Budi",
                "destination_contact_phone": "0813",
                "destination_address": "Jl. Braga 2",
                "destination_postal_code": 40111,
                "courier_company": "sicepat",
                "courier_type": "reg",
                "delivery_type": "now",
                "items": [{"name": "x", "value": 1, "weight": 100, "quantity": 1}],
            }
        )[1]
        # the same number on a JNE delivery: the courier tells them apart
        other = self._validate(self._create_picking(carrier=self.biteship))
        other.carrier_tracking_ref = booked["courier"]["waybill_id"]
        picking = self._create_picking(carrier=self.sicepat)
        picking.carrier_id = self.env["delivery.carrier"].create(
            {
                "name": "typed",
                "delivery_type": "fixed",
                "product_id": self.sicepat.product_id.id,
            }
        )
        self._validate(picking)
        picking.write(
            {
                "carrier_id": self.sicepat.id,
                "carrier_tracking_ref": booked["courier"]["waybill_id"],
            }
        )
        self.env.flush_all()
        self.server.set_status(booked["id"], "dropping_off")
        answer = self._post(self.server.webhook_payload("order.status", booked["id"]))
        self.assertEqual(answer["applied"], 1)
        self.env.invalidate_all()
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertEqual(other.shipment_state, "label_created")

    def test_install_check_gets_200_and_writes_nothing(self):
        """Saving the webhook in Biteship's dashboard posts an empty body, or
        "{}", without the custom header: 200, no request to Biteship, nothing
        written. A real event without the header is still refused."""
        picking = self._ship()
        self.env.flush_all()
        requests = self.server.requests
        for body in (b"", b"{}", b"{ }\n"):
            with self.subTest(body=body):
                status, answer = self._raw_post(
                    f"/delivery_tracking/webhook/{self.biteship.id}", {}, body
                )
                self.assertEqual(status, 200, answer)
                self.assertEqual(json.loads(answer)["applied"], 0)
        self.assertEqual(self.server.requests, requests)
        self.assertFalse(
            self.env["stock.picking.tracking.event"].search_count(
                [("picking_id.carrier_id", "=", self.biteship.id)]
            )
        )
        self.server.set_status(picking.carrier_shipment_id, "picked")
        event = json.dumps(
            self.server.webhook_payload("order.status", picking.carrier_shipment_id)
        ).encode()
        for body in (event, b'{"event": "order.status"}'):
            with self.subTest(body=body):
                status, _answer = self._raw_post(
                    f"/delivery_tracking/webhook/{self.biteship.id}", {}, body
                )
                self.assertEqual(status, 403)
        self.assertEqual(self.server.requests, requests)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "label_created")

    def test_forged_status_is_not_applied(self):
        """A leaked header cannot mark a parcel delivered: one GET of the
        order per webhook, and Biteship's answer is what is recorded."""
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        self.env.flush_all()
        forged = dict(
            self.server.webhook_payload("order.status", order_id), status="delivered"
        )
        requests = self.server.requests
        self._post(forged)
        self.assertEqual(self.server.requests, requests + 1)
        picking.invalidate_recordset()
        self.assertNotEqual(picking.shipment_state, "delivered")
        self.assertNotIn("delivered", picking.tracking_event_ids.mapped("status_code"))

    def test_timed_by_biteship_and_no_twin_from_the_poll(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        self.env.flush_all()
        # the courier's scan, a few minutes before Biteship calls
        scanned = datetime.now(timezone.utc) - timedelta(minutes=10)
        self.server.set_status(order_id, "picked", "Picked up by JNE", when=scanned)
        payload = self.server.webhook_payload("order.status", order_id)
        # as the real ones: UTC, milliseconds
        self.assertTrue(payload["updated_at"].endswith("Z"), payload["updated_at"])
        self._post(payload)
        self.biteship.biteship_tracking_update(picking)
        self.assertEqual(
            sorted(picking.tracking_event_ids.mapped("status_code")),
            ["confirmed", "picked"],
        )
        picked = picking.tracking_event_ids.filtered(
            lambda e: e.status_code == "picked"
        )
        self.assertEqual(picked.event_time, scanned.replace(tzinfo=None, microsecond=0))
        self.assertEqual(picked.description, "Picked up by JNE")

    def test_late_older_status_does_not_go_back(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        now = datetime.now(timezone.utc)
        self.server.set_status(order_id, "picked", when=now - timedelta(hours=2))
        self.server.set_status(order_id, "dropping_off", when=now - timedelta(hours=1))
        self.biteship.biteship_tracking_update(picking)
        self.assertEqual(picking.shipment_state, "in_transit")
        self.env.flush_all()
        late = dict(
            self.server.webhook_payload("order.status", order_id), status="picked"
        )
        self._post(late)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertEqual(len(picking.tracking_event_ids), 3)

    def test_link_and_driver_at_once(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        self.env.flush_all()
        self.server.set_driver(order_id, "Agus", "+62 812 0000 1111")
        self.server.orders[order_id]["courier"]["link"] = "https://track.biteship.com/x"
        self.server.set_status(order_id, "allocated")
        self._post(self.server.webhook_payload("order.status", order_id))
        picking.invalidate_recordset()
        self.assertEqual(picking.biteship_driver_name, "Agus")
        self.assertEqual(picking.biteship_driver_phone, "+62 812 0000 1111")
        self.assertEqual(picking.biteship_tracking_link, "https://track.biteship.com/x")
