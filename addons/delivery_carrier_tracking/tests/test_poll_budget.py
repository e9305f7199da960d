import threading
import uuid
from datetime import timedelta, timezone
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..rate_budget import (
    SLOT_SLACK,
    RateLimited,
    RequestPacer,
    reserve_slots,
    slot_interval,
)
from .common import TrackingCommon

SECRET = "s3cret-for-tests"


@tagged("post_install", "-at_install")
class TestBudgetMaths(TransactionCase):
    """rate_budget.py: the slots, without database."""

    def test_slots_follow_each_other_at_the_rate(self):
        step = slot_interval(4.0)
        wait, next_slot = reserve_slots(100.0, 0.0, 0.0, 4.0, 8, 60)
        self.assertEqual(wait, 0.0)
        self.assertAlmostEqual(next_slot, 100.0 + 8 * step)
        # the next reservation starts where this one ends, whoever makes it
        wait, next_slot = reserve_slots(100.5, next_slot, 0.0, 4.0, 2, 60)
        self.assertAlmostEqual(wait, 8 * step - 0.5)
        self.assertAlmostEqual(next_slot, 100.0 + 10 * step)
        # an idle account does not bank slots for a burst later
        wait, next_slot = reserve_slots(500.0, 102.5, 0.0, 4.0, 1, 60)
        self.assertEqual(wait, 0.0)
        self.assertAlmostEqual(next_slot, 500.0 + step)

    def test_no_sliding_second_holds_more_than_the_rate(self):
        """Requests leave a few milliseconds off their slots (bench_two_servers
        saw 5 in one second at 4/s with slots exactly 1/rate apart): the
        provider's sliding second, closed at both ends, still never holds
        more than `rate` of them."""
        jitter = 0.01  # each request up to 10 ms late
        for rate in (1.0, 4.0, 5.0, 10.0, 40.0):
            count = 3 * int(rate) + 1
            __, end = reserve_slots(100.0, 0.0, 0.0, rate, count, 60)
            step = (end - 100.0) / count
            # the worst case: one request late by the jitter, the one `rate`
            # slots later on time
            nearest = int(rate) * step - jitter
            self.assertGreater(nearest, 1.0, f"{rate + 1:.0f} requests in 1 s")
            times = [
                100.0 + i * step + (jitter if i % 2 else 0.0) for i in range(count)
            ]
            for first in times:
                inside = [t for t in times if first <= t <= first + 1.0]
                self.assertLessEqual(len(inside), rate, f"at {rate}/s")
        self.assertGreater(SLOT_SLACK, 2 * jitter)

    def test_blocked_or_taken_beyond_max_wait_reserves_nothing(self):
        self.assertEqual(reserve_slots(100.0, 0.0, 130.0, 4.0, 1, 10), (None, 0.0))
        wait, next_slot = reserve_slots(100.0, 0.0, 130.0, 4.0, 1, 60)
        self.assertEqual(wait, 30.0)
        self.assertAlmostEqual(next_slot, 130.0 + slot_interval(4.0))
        self.assertEqual(reserve_slots(100.0, 120.0, 0.0, 4.0, 1, 10), (None, 120.0))
        with self.assertRaises(ValueError):
            reserve_slots(100.0, 0.0, 0.0, 0.0, 1, 10)

    def test_pacer_spaces_requests_and_stops_on_429(self):
        clock = [10.0]
        slept = []

        def sleep(seconds):
            slept.append(round(seconds, 6))
            clock[0] += seconds

        pacer = RequestPacer(0.0, 4.0, 3, clock=lambda: clock[0], sleep=sleep)
        self.assertTrue(pacer.wait())
        self.assertTrue(pacer.wait())
        self.assertEqual(slept, [round(slot_interval(4.0), 6)])
        pacer.stop(30)
        self.assertFalse(pacer.wait())
        self.assertEqual(pacer.retry_after, 30)
        used_up = RequestPacer(0.0, 4.0, 1, clock=lambda: clock[0], sleep=sleep)
        self.assertTrue(used_up.wait())
        self.assertFalse(used_up.wait())


@tagged("post_install", "-at_install")
class TestSharedBudget(TransactionCase):
    """The budget row shared by real, concurrent transactions (two workers or
    two servers on one database): committed rows, removed at the end."""

    def setUp(self):
        super().setUp()
        self.account = f"test:{uuid.uuid4()}"
        self.addCleanup(self._in_new_transaction, self._remove_row)

    def _remove_row(self, env):
        env["delivery.carrier.rate.budget"].search(
            [("account", "=", self.account)]
        ).unlink()

    def _in_new_transaction(self, func):
        with self.registry.cursor() as cr:
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _budget(self, env):
        return env["delivery.carrier.rate.budget"]

    def test_two_transactions_share_the_slots(self):
        barrier = threading.Barrier(2)
        waits = []

        def worker():
            def reserve(env):
                barrier.wait()
                waits.append(self._budget(env)._reserve(self.account, 10.0, 5, 60))

            self._in_new_transaction(reserve)

        threads = [threading.Thread(target=worker) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        first, second = sorted(waits)
        # one got slots 0-4, the other the five after them (5 slots later,
        # less the time between their two transactions)
        self.assertEqual(first, 0.0)
        self.assertGreater(second, 0.2)
        self.assertLessEqual(second, 5 * slot_interval(10.0))

        def row(env):
            return self._budget(env).search([("account", "=", self.account)])

        self.assertEqual(
            self._in_new_transaction(lambda env: len(row(env))), 1, "one row"
        )

    def test_a_block_holds_for_every_transaction(self):
        self._in_new_transaction(lambda env: self._budget(env)._block(self.account, 30))
        # another transaction: not within 10 s, and nothing reserved
        wait = self._in_new_transaction(
            lambda env: self._budget(env)._reserve(self.account, 10.0, 1, 10)
        )
        self.assertIsNone(wait)
        wait = self._in_new_transaction(
            lambda env: self._budget(env)._reserve(self.account, 10.0, 1, 60)
        )
        self.assertGreater(wait, 29)
        self.assertLessEqual(wait, 30)


@tagged("post_install", "-at_install")
class TestPollSelection(TrackingCommon):
    """Which shipments the scheduler polls: those without carrier news for
    the carrier's interval, the longest silent first, as the cron's user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.polled = cls._create_carrier(
            "Polled Courier",
            sequence=cls.sequence,
            delivery_type="base_on_rule",
            tracking_poll_interval=60,
            tracking_webhook_secret=SECRET,
        )
        cls.cron_user = cls.env.ref(
            "delivery_carrier_tracking.ir_cron_tracking_update"
        ).user_id

    def _shipments(self, count):
        pickings = self.env["stock.picking"]
        for _index in range(count):
            pickings |= self._validate(self._create_picking(carrier=self.polled))
        self.assertEqual(set(pickings.mapped("shipment_state")), {"label_created"})
        return pickings

    def _poll(self, batch_size=50):
        calls = []

        def tracking_update(_carrier, pickings):
            calls.extend(pickings.ids)
            return {}

        with patch.object(
            type(self.env["delivery.carrier"]),
            "base_on_rule_tracking_update",
            tracking_update,
            create=True,
        ):
            self.env["stock.picking"].with_user(self.cron_user)._cron_tracking_update(
                batch_size=batch_size
            )
        return calls

    def test_only_silent_shipments_are_polled_oldest_first(self):
        now = fields.Datetime.now()
        silent_2h, silent_90min, heard_10min, never = self._shipments(4)
        silent_2h._tracking_note_news(now - timedelta(hours=2))
        silent_90min._tracking_note_news(now - timedelta(minutes=90))
        heard_10min._tracking_note_news(now - timedelta(minutes=10))
        never.tracking_next_poll_at = False  # e.g. from before the setting
        # the longest silent first: a batch of two takes these
        self.assertEqual(
            sorted(self._poll(batch_size=2)), sorted([never.id, silent_2h.id])
        )
        self.assertEqual(self._poll(), silent_90min.ids)
        for picking in never | silent_2h | silent_90min:
            self.assertGreaterEqual(picking.tracking_last_news_at, now)
            self.assertGreaterEqual(
                picking.tracking_next_poll_at, now + timedelta(minutes=60)
            )
        self.assertEqual(self._poll(), [])
        # a longer interval for the carrier: news 90 minutes old is not stale
        self.polled.tracking_poll_interval = 120
        silent_90min._tracking_note_news(now - timedelta(minutes=90))
        self.assertEqual(self._poll(), [])

    def test_webhook_news_makes_the_poll_unnecessary(self):
        now = fields.Datetime.now()
        picking = self._shipments(1)
        picking._tracking_note_news(now - timedelta(hours=2))
        body = {
            "tracking_number": picking.carrier_tracking_ref,
            "events": [
                {"id": "w1", "time": "2025-01-10T08:00:00Z", "status": "picked_up"}
            ],
        }
        self.assertEqual(self._post_webhook(self.polled, body, SECRET).status_code, 200)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "picked_up")
        self.assertGreaterEqual(picking.tracking_last_news_at, now)
        self.assertEqual(self._poll(), [])

    def test_rate_limited_poll_blocks_the_account(self):
        first, second = self._shipments(2)
        (first | second).tracking_next_poll_at = False

        def tracking_update(_carrier, pickings):
            return dict.fromkeys(pickings.ids, RateLimited("429", 120))

        before = fields.Datetime.now()
        with patch.object(
            type(self.env["delivery.carrier"]),
            "base_on_rule_tracking_update",
            tracking_update,
            create=True,
        ):
            self.env["stock.picking"].with_user(self.cron_user)._cron_tracking_update()
        for picking in first | second:
            self.assertEqual(picking.tracking_poll_failures, 0)
            self.assertFalse(picking.tracking_last_news_at)
            self.assertGreaterEqual(
                picking.tracking_next_poll_at, before + timedelta(seconds=119)
            )
        # a delivery due meanwhile waits for the account too, due again a
        # little later, so that it does not crowd out other accounts: with
        # a batch of one, the delivery of another carrier is polled next
        other_carrier = self._create_carrier(
            "Other Account Courier",
            sequence=self.sequence,
            delivery_type="base_on_rule",
            tracking_webhook_secret=SECRET,
        )
        other = self._validate(self._create_picking(carrier=other_carrier))
        other._tracking_note_news(fields.Datetime.now() - timedelta(hours=3))
        second.tracking_next_poll_at = False
        self.assertEqual(self._poll(batch_size=1), [])
        self.assertGreater(second.tracking_next_poll_at, fields.Datetime.now())
        self.assertEqual(self._poll(batch_size=1), other.ids)
        budget = self.env["delivery.carrier.rate.budget"].search(
            [("account", "=", self.polled._tracking_rate_account())]
        )
        self.assertGreater(
            budget.blocked_until, before.replace(tzinfo=timezone.utc).timestamp()
        )

    def test_budget_settings_are_managers_only(self):
        user = new_test_user(self.env, "budget_user", groups="stock.group_stock_user")
        manager = new_test_user(
            self.env, "budget_manager", groups="stock.group_stock_manager"
        )
        with self.assertRaises(AccessError):
            self.polled.with_user(user).write({"tracking_request_rate": 100})
        with self.assertRaises(AccessError):
            self.polled.with_user(user).write({"tracking_poll_interval": 1})
        self.polled.with_user(manager).write(
            {"tracking_request_rate": 5, "tracking_poll_interval": 30}
        )
        self.assertEqual(self.polled.with_user(user).tracking_request_rate, 5)
        # the budget rows themselves: read by administrators only, written by
        # the scheduler alone
        self.polled._tracking_budget_reserve(1, 60)
        Budget = self.env["delivery.carrier.rate.budget"]
        with self.assertRaises(AccessError):
            Budget.with_user(manager).search([])
        self.assertTrue(Budget.search([("account", "=", f"carrier:{self.polled.id}")]))
        with self.assertRaises(AccessError):
            Budget.search([], limit=1).with_user(self.env.ref("base.user_admin")).write(
                {"blocked_until": 0}
            )
