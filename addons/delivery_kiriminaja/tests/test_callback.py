import json
from xmlrpc.client import Fault

from odoo import fields
from odoo.addons.delivery_carrier_tracking.tests.common import apply_webhook_inbox
from odoo.tests import new_test_user, tagged

from .common import API_KEY, KiriminAjaShippedHttpCase


@tagged("post_install", "-at_install")
class TestCallback(KiriminAjaShippedHttpCase):
    """KiriminAja's callbacks on the public tracking webhook route, with the
    bearer token KiriminAja sends (/docs/webhook/event)."""

    def _url(self):
        return f"{self.base_url()}/delivery_tracking/webhook/{self.carrier.id}"

    def _send(self, method, data, token=API_KEY, apply=True):
        """KiriminAja's callback, then (unless apply=False) the inbox run
        that follows the answer: (status, body, outcome)."""
        self.env.flush_all()  # committed long before KiriminAja calls back
        status, body = self.server.callback(self._url(), method, data, token)
        self.env.invalidate_all()  # written by the route's own environment
        return status, body, apply_webhook_inbox(self.env) if apply else None

    def test_awb_then_progress(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        awb = self.server.process(order_id)
        status, body, outcome = self._send(
            "processed_packages",
            [{"order_id": order_id, "awb": awb, "sorting_code": "JKT-BDG"}],
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(outcome["applied"], 1)
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(picking.shipment_state, "label_created")
        # its label is printed by the next poll, due at once, not in the call
        self.assertFalse(picking.tracking_label_ids)
        self.assertLessEqual(picking.tracking_next_poll_at, fields.Datetime.now())

        shipped = [{"order_id": order_id, "shipped_at": "2026-02-16 13:00:00"}]
        self.assertEqual(self._send("shipped_packages", shipped)[0], 200)
        self.assertEqual(picking.shipment_state, "picked_up")
        finished = [{"order_id": order_id, "finished_at": "2026-02-17 10:00:00"}]
        self.assertEqual(self._send("finished_packages", finished)[0], 200)
        self.assertEqual(picking.shipment_state, "delivered")
        # resent by KiriminAja, and an older event arriving late: no twin,
        # no step back
        self._send("finished_packages", finished)
        self._send("shipped_packages", shipped)
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(
            sorted(picking.tracking_event_ids.mapped("status_code")),
            ["finished_packages", "processed_packages", "shipped_packages"],
        )
        # the poll later reads the same milestones from the tracking answer
        self.server.add_history(
            order_id,
            200,
            "Delivered",
            "2026-02-17 10:00:00",
            shipped_at="2026-02-16 13:00:00",
            delivered_at="2026-02-17 10:00:00",
        )
        self.assertEqual(self.carrier.kiriminaja_tracking_update(picking), {})
        self.assertEqual(
            sorted(picking.tracking_event_ids.mapped("status_code")),
            ["200", "finished_packages", "processed_packages", "shipped_packages"],
        )

    def test_out_of_order_and_returned(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        # shipped before the AWB's callback: the AWB still comes
        self._send(
            "shipped_packages", [{"order_id": order_id, "shipped_at": "2026-02-16"}]
        )
        self.assertEqual(picking.shipment_state, "picked_up")
        awb = self.server.process(order_id)
        self._send("processed_packages", [{"order_id": order_id, "awb": awb}])
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(picking.shipment_state, "picked_up")
        # the return flag, then the parcel back at the sender
        self._send("returned_packages", [{"order_id": order_id, "returned_at": None}])
        self.assertEqual(picking.shipment_state, "exception")
        # the contract's one rule reads it as a parcel coming back
        flag = picking.tracking_event_ids.filtered(
            lambda event: event.status_code == "returned_packages"
        )
        self.assertTrue(flag._tracking_is_coming_back())
        shipped = picking.tracking_event_ids.filtered(
            lambda event: event.status_code == "shipped_packages"
        )
        self.assertFalse(shipped._tracking_is_coming_back())
        self._send(
            "returned_packages",
            [{"order_id": order_id, "returned_at": "2026-02-20 10:00:00"}],
        )
        self.assertEqual(picking.shipment_state, "returned")

    def test_canceled_by_kiriminaja(self):
        picking = self._shipped()
        status, _body, _outcome = self._send(
            "canceled_packages",
            [
                {
                    "order_id": picking.carrier_shipment_id,
                    "date": "2026-02-16 08:00:00",
                    "canceled_at": "2026-02-16 09:00:00",
                    "reason": "3pl rejection",
                }
            ],
        )
        self.assertEqual(status, 200)
        self.assertEqual(picking.shipment_state, "cancelled")
        self.assertEqual(picking.tracking_event_ids.description, "3pl rejection")

    def test_refused_and_ignored(self):
        picking = self._shipped()
        data = [{"order_id": picking.carrier_shipment_id, "shipped_at": None}]
        for token in ("wrong-token", "", API_KEY + "x"):
            status, _body, _outcome = self._send("shipped_packages", data, token=token)
            self.assertEqual(status, 403, token)
        self.assertFalse(picking.tracking_event_ids)
        # an order of another database on the account: counted, not applied
        status, body, outcome = self._send(
            "shipped_packages", [{"order_id": "OTHER1-1", "shipped_at": None}]
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(outcome["unknown"], 1)
        # a time that is not one: refused with the reason, never a server error
        for when in ("yesterday", 20260216):
            status, _body, outcome = self._send(
                "shipped_packages",
                [{"order_id": picking.carrier_shipment_id, "shipped_at": when}],
            )
            self.assertEqual((status, len(outcome["errors"])), (200, 1), when)
        self.assertFalse(picking.tracking_event_ids)
        # methods KiriminAja may add later: nothing applied, still 200
        status, body, outcome = self._send("something_new", data)
        self.assertEqual((status, outcome["applied"]), (200, 0), body)
        # a Webhook Secret set on the method replaces the API key
        self.carrier.tracking_webhook_secret = "agreed-token-0123456789"
        self.assertEqual(self._send("shipped_packages", data)[0], 403)
        status, _body, _outcome = self._send(
            "shipped_packages", data, token="agreed-token-0123456789"
        )
        self.assertEqual(status, 200)
        self.assertEqual(picking.shipment_state, "picked_up")

    def test_one_url_for_the_account(self):
        """KiriminAja calls one URL per account: a delivery of another method
        of that account is found through this method's URL."""
        other = self.carrier.copy(
            {"name": "KiriminAja JNE YES", "kiriminaja_service": "YES23"}
        )
        other.kiriminaja_api_key = API_KEY
        picking = self._shipped()
        picking.carrier_id = other
        status, body, outcome = self._send(
            "shipped_packages",
            [{"order_id": picking.carrier_shipment_id, "shipped_at": None}],
        )
        self.assertEqual((status, outcome["applied"]), (200, 1), body)
        self.assertEqual(picking.shipment_state, "picked_up")

    def test_queued_callback(self):
        """With the webhook inbox (accept now, apply in the cron), the bearer
        token is not stored and the callback is applied as inline."""
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        awb = self.server.process(order_id)
        status, body, __ = self._send(
            "processed_packages", [{"order_id": order_id, "awb": awb}], apply=False
        )
        self.assertEqual((status, json.loads(body)["accepted"]), (200, 1), body)
        Inbox = self.env["delivery.carrier.webhook.inbox"].sudo()
        row = Inbox.search([("carrier_id", "=", self.carrier.id)])
        self.assertEqual(row.shipment_key, order_id)
        self.assertNotIn(API_KEY, json.dumps(row.headers))
        self.assertFalse(picking.carrier_tracking_ref)
        Inbox._cron_tracking_webhook_inbox()
        self.assertEqual(row.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, awb)

    def test_token_not_readable_over_rpc(self):
        """The hook naming the bearer token (the API key) is no public
        method: not even a manager gets it over XML-RPC."""
        new_test_user(
            self.env,
            login="ka_manager",
            password="ka_manager_pw_123",
            groups="base.group_system,stock.group_stock_manager",
        )
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "ka_manager", "ka_manager_pw_123", {}
        )
        with self.assertRaisesRegex(Fault, "Private methods"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                uid,
                "ka_manager_pw_123",
                "delivery.carrier",
                "kiriminaja_webhook_auth",
                [[self.carrier.id]],
            )
