import json
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import TrackingCommon

SECRET = "s3cret-for-the-inbox"


@tagged("post_install", "-at_install")
class TestWebhookInbox(TrackingCommon):
    """Accept, then apply: the webhook only records what it verified; the
    inbox crons apply it with the inline path's effects."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET
        cls.env["ir.config_parameter"].set_param(
            "delivery_carrier_tracking.webhook_apply", "queue"
        )
        cls.Inbox = cls.env["delivery.carrier.webhook.inbox"]

    def _payload(self, picking, event_id="evt-1", status="in_transit"):
        return {
            "tracking_number": picking.carrier_tracking_ref,
            "events": [
                {
                    "id": event_id,
                    "time": "2025-01-10T15:00:00+07:00",
                    "status": status,
                    "location": "Jakarta",
                }
            ],
        }

    def _rows(self):
        return self.Inbox.search([("carrier_id", "=", self.carrier.id)])

    def test_accepted_then_applied_once(self):
        picking = self._validate(self._create_picking())
        payload = self._payload(picking)
        response = self._post_webhook(self.carrier, payload, SECRET, apply=False)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["accepted"], 1)
        # answered before anything is applied
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertFalse(picking.tracking_event_ids)
        row = self._rows()
        self.assertEqual(
            (row.state, row.shipment_key), ("pending", picking.carrier_tracking_ref)
        )
        self.assertNotIn("X-Tracking-Signature", row.headers)
        cron = self.env.ref("delivery_carrier_tracking.ir_cron_tracking_webhook_inbox")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        # a resend (same body, new signature time) is the same row
        resend = self._post_webhook(self.carrier, payload, SECRET, apply=False)
        self.assertEqual(resend.json()["accepted"], 0)
        self.assertEqual(len(self._rows()), 1)

        self.assertEqual(self.Inbox._cron_tracking_webhook_inbox(), 1)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertEqual(len(picking.tracking_event_ids), 1)
        self.assertEqual((row.state, row.applied, row.unknown), ("done", 1, 0))
        self.assertEqual(self.Inbox._cron_tracking_webhook_inbox(), 0)

    def test_no_secret_bearing_header_kept_and_any_header_value(self):
        picking = self._validate(self._create_picking())
        self.opener.headers.update(
            {"Authorization": "Bearer not-for-the-inbox", "X-Note": "caf\xe9"}
        )
        try:
            response = self._post_webhook(
                self.carrier, self._payload(picking), SECRET, apply=False
            )
        finally:
            for name in ("Authorization", "X-Note"):
                self.opener.headers.pop(name)
        self.assertEqual(response.status_code, 200, response.text)
        headers = {name.lower() for name in self._rows().headers}
        self.assertIn("x-note", headers)
        self.assertFalse(headers & {"authorization", "x-tracking-signature"})

    def test_resend_formatted_otherwise_is_the_same_row(self):
        picking = self._validate(self._create_picking())
        payload = self._payload(picking)
        self._post_webhook(self.carrier, payload, SECRET, apply=False)
        pretty = json.dumps(payload, indent=2, sort_keys=True).encode()
        resend = self._post_webhook(self.carrier, pretty, SECRET, apply=False)
        self.assertEqual(resend.json()["accepted"], 0)
        self.assertEqual(len(self._rows()), 1)

    def test_provider_unreachable_is_tried_again_later(self):
        picking = self._validate(self._create_picking())
        self._post_webhook(self.carrier, self._payload(picking), SECRET, apply=False)
        row = self._rows()
        Carrier = type(self.env["delivery.carrier"])
        down = UserError("the provider did not answer")
        # what the inline path answers 500 for is no reason to give up
        with (
            patch.object(Carrier, "_tracking_webhook_events", side_effect=down),
            self.assertRaises(UserError),
        ):
            row._tracking_apply_row()
        self.assertEqual(row.state, "pending")
        row._tracking_note_attempt(down)
        self.assertEqual((row.state, row.attempts), ("pending", 1))
        self.assertGreater(row.next_try_at, fields.Datetime.now())
        self.assertFalse(self.Inbox._tracking_take())  # waits its minute
        # due (the database's now() is the test transaction's start)
        row.next_try_at = fields.Datetime.now() - timedelta(hours=1)
        self.assertEqual(self.Inbox._tracking_take(), row)
        self.assertEqual(self.Inbox._cron_tracking_webhook_inbox(), 1)
        self.assertEqual(row.state, "done")
        self.assertEqual(picking.shipment_state, "in_transit")

    def _inbox_activity(self):
        return self.carrier.activity_ids.filtered(
            lambda a: a.summary == "Carrier webhooks not applied"
        )

    def test_failed_rows_told_read_and_retried_by_the_stock_manager(self):
        picking = self._validate(self._create_picking())
        self._post_webhook(self.carrier, self._payload(picking), SECRET, apply=False)
        row = self._rows()
        down = UserError("the provider did not answer")
        for _attempt in range(5):
            row._tracking_note_attempt(down)
        self.assertEqual((row.state, row.attempts), ("failed", 5))
        # one activity for who manages the carrier's settings, however many fail
        other = self._validate(self._create_picking())
        self._post_webhook(
            self.carrier, self._payload(other, "evt-2"), SECRET, apply=False
        )
        second = self._rows() - row
        second._tracking_note_attempt(down)
        second.write({"attempts": 4})
        second._tracking_note_attempt(down)
        activity = self._inbox_activity()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.carrier._tracking_config_responsible())
        self.assertIn("2 webhook(s)", str(activity.note))
        self.assertIn("the provider did not answer", str(activity.note))
        # a warehouse user neither reads nor retries them
        warehouse = self._user("inbox_stock_user", "stock.group_stock_user")
        with self.assertRaises(AccessError):
            self.Inbox.with_user(warehouse).search([("state", "=", "failed")])
        manager = self._user("inbox_stock_manager", "stock.group_stock_manager")
        failed = self.Inbox.with_user(manager).search(
            [("carrier_id", "=", self.carrier.id), ("state", "=", "failed")]
        )
        self.assertEqual(failed, row | second)
        failed.read(["error", "shipment_key", "attempts"])
        failed.action_tracking_retry()
        self.assertEqual(set((row | second).mapped("state")), {"pending"})
        self.assertFalse(self._inbox_activity())
        self.assertEqual(self.Inbox._cron_tracking_webhook_inbox(), 2)
        self.assertEqual((picking | other).mapped("shipment_state"), ["in_transit"] * 2)

    def _user(self, login, group):
        return self.env["res.users"].create(
            {
                "name": login,
                "login": login,
                "groups_id": [(6, 0, [self.env.ref(group).id])],
            }
        )

    def test_forged_and_malformed_are_not_recorded(self):
        picking = self._validate(self._create_picking())
        forged = self._post_webhook(
            self.carrier, self._payload(picking), SECRET, signature="0" * 64
        )
        self.assertEqual(forged.status_code, 403)
        broken = self._post_webhook(self.carrier, b"{not json", SECRET, apply=False)
        self.assertEqual(broken.status_code, 400)
        self.assertFalse(self._rows())

    def test_payload_the_carrier_got_wrong_fails_with_its_reason(self):
        picking = self._validate(self._create_picking())
        payload = self._payload(picking, status="teleported")
        self.assertEqual(
            self._post_webhook(self.carrier, payload, SECRET).status_code, 200
        )
        self.Inbox._cron_tracking_webhook_inbox()
        row = self._rows()
        self.assertEqual(row.state, "failed")
        self.assertIn("invalid event", row.error)
        self.assertFalse(picking.tracking_event_ids)
        self.assertIn("invalid event", str(self._inbox_activity().note))

    def test_unknown_tracking_number_is_counted(self):
        payload = {"tracking_number": "NOPE-1", "events": []}
        self._post_webhook(self.carrier, payload, SECRET, apply=False)
        self.Inbox._cron_tracking_webhook_inbox()
        self.assertEqual(
            (self._rows().state, self._rows().applied, self._rows().unknown),
            ("done", 0, 1),
        )

    def test_one_parcel_in_the_order_accepted(self):
        """Picked up, then delivered: applied in that order, so the parcel
        ends delivered."""
        picking = self._validate(self._create_picking())
        self._post_webhook(
            self.carrier, self._payload(picking, "a", "picked_up"), SECRET, apply=False
        )
        self._post_webhook(
            self.carrier, self._payload(picking, "b", "delivered"), SECRET, apply=False
        )
        first, second = self._rows()
        self.assertEqual(self.Inbox._tracking_take(), first)
        self.assertEqual(self.Inbox._cron_tracking_webhook_inbox(), 2)
        self.assertEqual((first.state, second.state), ("done", "done"))
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "delivered")

    def test_two_workers_take_different_shipments(self):
        """Committed rows, two transactions: while one applies a parcel's
        first webhook, the other skips it and its parcel's second one, and
        takes another parcel's."""
        carrier_id = self.env.ref("delivery.free_delivery_carrier").id
        connection = db_connect(self.env.cr.dbname)
        with connection.cursor() as cr:
            ids = []
            for key, body in (("K", "1"), ("K", "2"), ("L", "3")):
                cr.execute(
                    "INSERT INTO delivery_carrier_webhook_inbox (carrier_id,"
                    " event_hash, shipment_key, state, accepted_at, attempts,"
                    " applied, unknown) VALUES (%s, %s, %s, 'pending',"
                    " now(), 0, 0, 0) RETURNING id",
                    [carrier_id, "inbox-test-" + body, key],
                )
                ids.append(cr.fetchone()[0])
            cr.commit()  # pylint: disable=invalid-commit
        try:
            with connection.cursor() as cr_a, connection.cursor() as cr_b:
                Inbox_a = api.Environment(cr_a, SUPERUSER_ID, {})[self.Inbox._name]
                Inbox_b = api.Environment(cr_b, SUPERUSER_ID, {})[self.Inbox._name]
                self.assertEqual(Inbox_a._tracking_take().id, ids[0])
                self.assertEqual(Inbox_b._tracking_take().id, ids[2])
                cr_a.rollback()
                cr_b.rollback()
        finally:
            with connection.cursor() as cr:
                cr.execute(
                    "DELETE FROM delivery_carrier_webhook_inbox WHERE id IN %s",
                    [tuple(ids)],
                )
                cr.commit()  # pylint: disable=invalid-commit

    def test_unset_means_queue_and_the_setting_chooses(self):
        ICP = self.env["ir.config_parameter"].sudo()
        param = "delivery_carrier_tracking.webhook_apply"
        ICP.search([("key", "=", param)]).unlink()
        picking = self._validate(self._create_picking())
        response = self._post_webhook(
            self.carrier, self._payload(picking), SECRET, apply=False
        )
        self.assertEqual(response.json()["accepted"], 1)
        self.assertEqual(picking.shipment_state, "label_created")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.tracking_webhook_apply, "queue")
        settings.tracking_webhook_apply = "inline"
        settings.execute()
        self.assertEqual(ICP.get_param(param), "inline")
        self.assertFalse(self.Inbox._tracking_queue_mode())

    def test_accepting_is_one_query(self):
        """The insert and the crons' wake-up check are one statement."""
        picking = self._validate(self._create_picking())
        carrier = self.carrier.sudo()
        # the first one finds no wake-up waiting: it asks for one
        self.assertTrue(
            self.Inbox._tracking_accept(carrier, self._payload(picking), {})
        )
        crons = self.Inbox._tracking_cron_ids()
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "in", crons)])
        self.assertEqual(sorted(triggers.cron_id.ids), sorted(crons))
        self.env.flush_all()
        count = self.cr.sql_log_count
        second = self._payload(picking, "evt-2", "delivered")
        self.assertTrue(self.Inbox._tracking_accept(carrier, second, {}))
        self.assertEqual(self.cr.sql_log_count - count, 1)
        count = self.cr.sql_log_count
        self.assertFalse(self.Inbox._tracking_accept(carrier, second, {}))
        self.assertEqual(self.cr.sql_log_count - count, 1)

    def test_inline_mode_answers_with_the_counts(self):
        self.env["ir.config_parameter"].set_param(
            "delivery_carrier_tracking.webhook_apply", "inline"
        )
        picking = self._validate(self._create_picking())
        response = self._post_webhook(
            self.carrier, self._payload(picking), SECRET, apply=False
        )
        self.assertEqual(json.loads(response.text)["applied"], 1)
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertFalse(self._rows())
