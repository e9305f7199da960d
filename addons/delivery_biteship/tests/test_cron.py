import json
import logging
import threading
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.addons.delivery_carrier_tracking.models.delivery_carrier_booking import (
    BOOKING_LOCK_CLASS,
)
from odoo.addons.delivery_carrier_tracking.shipment_rules import POLL_FAILURES_WARN
from odoo.tests import TransactionCase, tagged
from odoo.tools import config, mute_logger

from .common import API_KEY, BiteshipCommon, BiteshipStandInMixin

_logger = logging.getLogger(__name__)
SECRET = "whsec-cron-0123456789"


@tagged("post_install", "-at_install")
class TestBiteshipCronResilience(BiteshipCommon):
    """The scheduler's polls go on past a delivery that cannot be handled."""

    def test_poll_chunk_is_one_round_of_parallel_requests(self):
        self.biteship.biteship_poll_workers = 3
        self.assertEqual(self.biteship._tracking_poll_batch_size(), 3)
        in_house = self.biteship.copy({"delivery_type": "fixed"})
        self.assertEqual(in_house._tracking_poll_batch_size(), 10)

    def test_polls_go_on_past_bad_deliveries(self):
        polled = self._ship() | self._ship()
        for picking in polled:
            self.server.set_status(picking.carrier_shipment_id, "picked")
        forgotten = self._ship()
        del self.server.orders[forgotten.carrier_shipment_id]  # 404 from now on
        # label pending (no API key at validation), then the customer's ZIP
        # is removed before the retry
        moved = self.customer.copy({"name": "Rina Moved"})
        key, self.biteship.biteship_api_key = self.biteship.biteship_api_key, False
        pending = self._ship(partner=moved)
        self.biteship.biteship_api_key = key
        self.assertEqual(pending.shipment_state, "label_pending")
        moved.zip = False
        now = fields.Datetime.now()
        pending.tracking_next_poll_at = now - timedelta(minutes=2)
        (polled | forgotten).tracking_next_poll_at = now - timedelta(minutes=1)

        self.env["stock.picking"]._cron_tracking_update()

        self.assertEqual(polled.mapped("shipment_state"), ["picked_up"] * 2)
        self.assertEqual(pending.shipment_state, "label_pending")
        self.assertIn("missing Zip", pending.message_ids[0].body)
        self.assertGreater(pending.tracking_next_poll_at, now)
        self.assertEqual(forgotten.shipment_state, "label_created")
        self.assertEqual(forgotten.tracking_poll_failures, 1)
        self.assertGreater(forgotten.tracking_next_poll_at, now)

        # A shipment that keeps failing: one activity, however many runs
        forgotten.tracking_poll_failures = POLL_FAILURES_WARN - 2
        delays = []
        for _run in range(4):
            forgotten.tracking_next_poll_at = fields.Datetime.now()
            self.env["stock.picking"]._cron_tracking_update()
            delays.append(forgotten.tracking_next_poll_at - fields.Datetime.now())
        self.assertEqual(forgotten.tracking_poll_failures, POLL_FAILURES_WARN + 2)
        self.assertEqual(delays, sorted(delays))
        activity = forgotten.activity_ids.filtered(
            lambda a: a.summary == "Tracking updates failing"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("Tracking not found", activity.note)


@tagged("post_install", "-at_install")
class TestBiteshipSlowCarrier(BiteshipStandInMixin, TransactionCase):
    """The tracking cron run by ir.cron's own job loop, on committed data,
    while Biteship answers slowly: work is kept as it is done, rows are free
    for webhooks meanwhile, the run stays inside its time limit."""

    LATENCY = 2.0

    def setUp(self):
        # Registered first, so run last: after the test's savepoint is rolled
        # back, which releases the rows the test transaction locked (its
        # records pointing at the committed delivery).
        self.addCleanup(self._retire_records)
        super().setUp()
        # No waybill at creation: no label PDF, which needs a report server.
        self.server.waybill_on_create = False
        with self.registry.cursor() as cr:
            self.ids = self._create_records(api.Environment(cr, SUPERUSER_ID, {}))

    def _create_records(self, env):
        mail_setting = env.company.tracking_number_mail
        env.company.tracking_number_mail = False
        carrier, partner, product, idr_rate = self._create_shop(
            env,
            "Biteship slow",
            biteship_timeout=30.0,
            tracking_webhook_secret=SECRET,
        )
        pickings = env["stock.picking"]
        for _i in range(4):
            picking = self._create_delivery(carrier, partner, product, 1)
            picking.action_confirm()
            picking.move_ids.write({"quantity": 1, "picked": True})
            # validated while Biteship was not set up: label pending
            picking.button_validate()
            pickings |= picking
        self.assertEqual(set(pickings.mapped("shipment_state")), {"label_pending"})
        carrier.biteship_api_key = API_KEY
        # The last one's Biteship order exists already (an earlier attempt
        # died after Biteship took it); its waybill will come by webhook.
        _status, order = self.server.create_order(
            dict(carrier._biteship_order_payload(pickings[-1]), reference_id="D")
        )
        pickings[-1].carrier_shipment_id = order["id"]
        now = fields.Datetime.now()
        for minutes, picking in zip((4, 3, 2, 1), pickings, strict=True):
            picking.tracking_next_poll_at = now - timedelta(minutes=minutes)
        cron = env.ref("delivery_carrier_tracking.ir_cron_tracking_update")
        cron.nextcall = now - timedelta(minutes=1)
        return {
            "pickings": pickings.ids,
            "carrier": carrier.id,
            "idr_rate": idr_rate.id,
            "cron": cron.id,
            "mail_setting": mail_setting,
            "order_d": order["id"],
        }

    def _retire_records(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["stock.picking"].browse(self.ids["pickings"]).write(
                {"shipment_state": "cancelled"}
            )
            env["delivery.carrier"].browse(self.ids["carrier"]).active = False
            env["res.currency.rate"].browse(self.ids["idr_rate"]).unlink()
            env.company.tracking_number_mail = self.ids["mail_setting"]

    def _read(self, query, *params):
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def _states(self):
        rows = self._read(
            "SELECT id, shipment_state FROM stock_picking WHERE id IN %s",
            tuple(self.ids["pickings"]),
        )
        return [dict(rows)[picking_id] for picking_id in self.ids["pickings"]]

    def _wait(self, condition, timeout=30):
        deadline = time.monotonic() + timeout
        while not (result := condition()):
            self.assertLess(time.monotonic(), deadline, "waited in vain")
            time.sleep(0.05)
        return result

    def _run_cron_job(self, outcome):
        """One run of the tracking cron as a cron worker makes it: ir.cron's
        job loop with its batches, progress and commits, on its own
        connections."""
        IrCron = self.registry["ir.cron"]
        db = sql_db.db_connect(self.env.cr.dbname)
        start = time.monotonic()
        try:
            with db.cursor() as cron_cr:
                job = IrCron._acquire_one_job(cron_cr, self.ids["cron"])
                if job:
                    IrCron._process_job(db, cron_cr, job)
            outcome["status"] = "ran" if job else "not ready"
        except Exception as error:  # noqa: BLE001 - the test reads it
            outcome["status"] = repr(error)
        outcome["seconds"] = time.monotonic() - start

    def _start_cron_job(self):
        outcome = {}
        thread = threading.Thread(target=self._run_cron_job, args=(outcome,))
        thread.start()
        self.addCleanup(thread.join, 120)
        return thread, outcome

    def _set_webhook_apply(self, mode):
        """Committed: the webhook's request runs on its own cursor here."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param(
                "delivery_carrier_tracking.webhook_apply", mode
            )
            env.flush_all()

    def test_slow_carrier_keeps_work_and_leaves_rows_free(self):
        # the webhook applied in its request while the cron run holds other
        # deliveries (Apply before answering), the default again after
        self._set_webhook_apply("inline")
        self.addCleanup(self._set_webhook_apply, "queue")
        self.server.latency = self.LATENCY
        limit = 16  # s: a run spends a quarter of it, then stops taking work
        with patch.dict(config.options, {"limit_time_real_cron": limit}):
            thread, outcome = self._start_cron_job()
            # the cron waits for Biteship on the first delivery...
            self._wait(lambda: self.server.requests >= 1)
            # ... while Biteship's webhook brings the last one's waybill
            waybill = self.server.set_waybill(self.ids["order_d"])
            payload = self.server.webhook_payload(
                "order.waybill_id", self.ids["order_d"]
            )
            url = (
                f"http://127.0.0.1:{config['http_port']}"
                f"/delivery_tracking/webhook/{self.ids['carrier']}"
            )
            start = time.monotonic()
            status, body = self.server.send_webhook(url, payload, SECRET)
            webhook_seconds = time.monotonic() - start
            self.assertEqual(status, 200, body)
            self.assertEqual(json.loads(body)["applied"], 1)
            self.assertTrue(thread.is_alive(), "the cron run was still busy")
            # the webhook's own confirming GET /v1/orders/:id is one slow
            # Biteship answer; it never waits for the cron run (still busy)
            self.assertLess(webhook_seconds, 3 * self.LATENCY)
            # the first delivery is kept as soon as it is done, mid-run
            self._wait(lambda: self._states()[0] == "label_created")
            self.assertTrue(thread.is_alive())
            thread.join(60)
        _logger.info(
            "Biteship answering in %.1f s: cron run %.1f s (limit %s s), "
            "webhook answered in %.2f s meanwhile",
            self.LATENCY,
            outcome["seconds"],
            limit,
            webhook_seconds,
        )
        self.assertEqual(outcome["status"], "ran")
        self.assertLess(outcome["seconds"], limit / 2)
        # two labels in the time budget, the webhook's waybill kept, the
        # rest left for a new run the cron asked for
        self.assertEqual(
            self._states(),
            ["label_created", "label_created", "label_pending", "label_created"],
        )
        [(number,)] = self._read(
            "SELECT carrier_tracking_ref FROM stock_picking WHERE id = %s",
            self.ids["pickings"][-1],
        )
        self.assertEqual(number, waybill)
        triggers = self._read(
            "SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s",
            self.ids["cron"],
        )
        self.assertEqual(triggers, [(1,)])
        progress = self._read(
            "SELECT done, remaining FROM ir_cron_progress WHERE cron_id = %s"
            " ORDER BY id DESC LIMIT 2",
            self.ids["cron"],
        )
        self.assertEqual(progress, [(0, 2), (2, 2)])

        self.server.latency = 0
        outcome = {}
        self._run_cron_job(outcome)
        self.assertEqual(outcome["status"], "ran")
        self.assertEqual(self._states()[:3], ["label_created"] * 3)
        self.assertEqual(self.server.orders_created, 4)

    def test_killed_run_keeps_what_it_finished(self):
        self.server.latency = 1.5
        first, second = self.ids["pickings"][:2]
        thread, outcome = self._start_cron_job()
        self._wait(lambda: self._states()[0] == "label_created")
        # The cron is inside Biteship's call for the second delivery (it holds
        # that delivery's order lock): its database connection dies.
        [(pid,)] = self._wait(
            lambda: self._read(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = %s AND objid = %s AND granted",
                BOOKING_LOCK_CLASS,
                second,
            )
        )
        with mute_logger(
            "odoo.addons.base.models.ir_cron",
            "odoo.sql_db",
            "odoo.addons.delivery_carrier_tracking.models.stock_picking",
        ):
            self._read("SELECT pg_terminate_backend(%s)", pid)
            thread.join(60)
        self.assertNotEqual(outcome["status"], "ran", "the run died")
        self.assertEqual(self._states()[:3], ["label_created"] + ["label_pending"] * 2)
        [(order_id,)] = self._read(
            "SELECT carrier_shipment_id FROM stock_picking WHERE id = %s", first
        )
        self.assertIn(order_id, self.server.orders)

        # the next run does the rest; the order Biteship took for the second
        # delivery before the kill is found again, not made twice
        self.server.latency = 0
        outcome = {}
        self._run_cron_job(outcome)
        self.assertEqual(outcome["status"], "ran")
        self.assertEqual(self._states(), ["label_created"] * 4)
        self.assertEqual(self.server.orders_created, 4)
