import time
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .biteship_server import max_in_window
from .common import BiteshipCommon


@tagged("post_install", "-at_install")
class TestBiteshipPollBudget(BiteshipCommon):
    """Polls within Biteship's rate limit, against the stand-in enforcing it,
    run as the scheduled action's user."""

    def _due(self, count):
        pickings = self.env["stock.picking"]
        for _index in range(count):
            pickings |= self._ship()
        for picking in pickings:
            self.server.set_status(picking.carrier_shipment_id, "picked")
        pickings.tracking_next_poll_at = False
        return pickings

    def _cron(self):
        cron = self.env.ref("delivery_carrier_tracking.ir_cron_tracking_update")
        self.env["stock.picking"].with_user(cron.user_id)._cron_tracking_update()

    def test_default_rate_within_documented_limits(self):
        # a biteship_test. key is the sandbox: 5 requests/s documented
        self.assertEqual(self.biteship._tracking_request_rate(), 4.0)
        live = self.biteship.copy({"biteship_api_key": "biteship_live.key"})
        self.assertEqual(live._tracking_request_rate(), 10.0)
        live.tracking_request_rate = 20
        self.assertEqual(live._tracking_request_rate(), 20.0)
        # one budget per account (URL and key), shared by its methods, the
        # key itself never stored in it
        same = self.biteship.copy(
            {"biteship_api_key": self.biteship.sudo().biteship_api_key}
        )
        account = self.biteship._tracking_rate_account()
        self.assertEqual(same._tracking_rate_account(), account)
        self.assertNotEqual(live._tracking_rate_account(), account)
        self.assertNotIn("biteship_live.key", live._tracking_rate_account())

    def test_one_account_one_budget_at_its_lowest_rate(self):
        """Two methods on one API key: whichever polls, the account's budget
        row gets the lowest of their rates."""
        live = self.biteship.copy({"biteship_api_key": "biteship_live.key"})
        other = live.copy({"biteship_api_key": "biteship_live.key"})
        live.tracking_request_rate = 20
        self.assertEqual(other._tracking_request_rate(), 10.0)  # the default
        self.assertEqual(live._tracking_account_rate(), 10.0)
        self.assertEqual(other._tracking_account_rate(), 10.0)
        other.tracking_request_rate = 30
        self.assertEqual(live._tracking_account_rate(), 20.0)
        self.assertEqual(self.biteship._tracking_account_rate(), 4.0)  # its own key
        self.assertIsNotNone(other._tracking_budget_reserve(1, 60))
        budget = self.env["delivery.carrier.rate.budget"].search(
            [("account", "=", live._tracking_rate_account())]
        )
        self.assertEqual(budget.rate, 20.0)

    def test_polls_stay_within_the_sandbox_limit(self):
        pickings = self._due(6)
        self.server.rate_limit = 5  # Biteship's sandbox
        first = len(self.server.request_times)
        self._cron()
        self.assertEqual(pickings.mapped("shipment_state"), ["picked_up"] * 6)
        times = self.server.request_times[first:]
        self.assertEqual(len(times), 6)
        self.assertEqual(self.server.throttled, 0)
        self.assertLessEqual(max_in_window(times), 5)
        # paced at the default 4 per second, not sent at once
        self.assertGreaterEqual(times[-1] - times[0], 1.0)

    def test_429_stops_the_account_until_retry_after(self):
        pickings = self._due(6)
        self.server.rate_limit = 2
        self.server.rate_limit_retry_after = 30
        self.biteship.tracking_request_rate = 5  # above the account's limit
        before = fields.Datetime.now()
        requests = self.server.requests
        self._cron()
        # two answered, the third refused; the chunk's others never sent
        self.assertEqual(self.server.throttled, 1)
        self.assertEqual(self.server.requests - requests, 3)
        polled = pickings.filtered(lambda p: p.shipment_state == "picked_up")
        self.assertEqual(len(polled), 2)
        deferred = pickings - polled
        for picking in deferred:
            self.assertEqual(picking.tracking_poll_failures, 0)
            self.assertGreaterEqual(
                picking.tracking_next_poll_at, before + timedelta(seconds=29)
            )
        # the block is the account's, in the database: a delivery due
        # meanwhile is not asked about either
        deferred[0].tracking_next_poll_at = False
        requests = self.server.requests
        self._cron()
        self.assertEqual(self.server.requests, requests)
        # once Retry-After has passed, the polls go on
        budget = self.env["delivery.carrier.rate.budget"].search(
            [("account", "=", self.biteship._tracking_rate_account())]
        )
        self.assertGreater(budget.blocked_until, time.time() + 20)
        budget.blocked_until = 0
        budget.flush_recordset()  # read by the budget's own transaction
        self.server.rate_limit = None
        deferred.tracking_next_poll_at = False
        self._cron()
        self.assertEqual(pickings.mapped("shipment_state"), ["picked_up"] * 6)
