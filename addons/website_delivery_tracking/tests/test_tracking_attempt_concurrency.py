import threading

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

ADDRESS = "192.0.2.77"  # TEST-NET-1: no real visitor has it


@tagged("post_install", "-at_install")
class TestTrackingAttemptConcurrency(TransactionCase):
    """Wrong guesses on /track counted by two workers at once (two workers of
    one server, or two servers on one database): real transactions on
    committed data, as bench/bench_two_servers.py found them (24 guesses
    sent in parallel got 10 answers where the limit was 8)."""

    def _committed(self, func):
        with db_connect(self.env.cr.dbname).cursor() as cr:  # commits on exit
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def setUp(self):
        super().setUp()
        param = "website_delivery_tracking.max_per_address"
        self._committed(lambda env: env["ir.config_parameter"].set_param(param, 1))

        def clean(env):
            env["ir.config_parameter"].set_param(param, False)
            env["website.tracking.attempt"].search(
                [("address", "in", [ADDRESS, "192.0.2.78"])]
            ).unlink()

        self.addCleanup(self._committed, clean)

    def _second_worker(self, address, reference):
        """The same guess in another worker, in a thread: its outcome once
        it could count (None while it waits)."""
        outcome = {}

        def guess():
            def count(env):
                Attempt = env["website.tracking.attempt"]
                Attempt._lock_guesses(address, reference)
                outcome["locked"] = Attempt._is_locked(address, reference)

            self._committed(count)

        thread = threading.Thread(target=guess)
        thread.start()
        self.addCleanup(thread.join, 30)
        return thread, outcome

    def _first_guess_open(self, cr):
        """The first worker's wrong guess, recorded, not committed yet."""
        Attempt = api.Environment(cr, SUPERUSER_ID, {})["website.tracking.attempt"]
        Attempt._lock_guesses(ADDRESS, "WDT-RACE-1")
        self.assertFalse(Attempt._is_locked(ADDRESS, "WDT-RACE-1"))
        Attempt._record_failure(ADDRESS, "WDT-RACE-1")
        Attempt.env.flush_all()

    def test_parallel_guesses_of_one_address_counted_in_turn(self):
        with db_connect(self.env.cr.dbname).cursor() as first:
            self._first_guess_open(first)
            thread, outcome = self._second_worker(ADDRESS, "WDT-RACE-2")
            # it waits for the first guess instead of counting without it
            thread.join(1.5)
            self.assertTrue(thread.is_alive())
            self.assertEqual(outcome, {})
            first.commit()
        thread.join(30)
        # one wrong guess allowed: the second one is refused
        self.assertEqual(outcome, {"locked": True})

    def test_other_visitors_do_not_wait(self):
        with db_connect(self.env.cr.dbname).cursor() as first:
            self._first_guess_open(first)
            thread, outcome = self._second_worker("192.0.2.78", "WDT-RACE-3")
            thread.join(30)
            self.assertEqual(outcome, {"locked": False})
            first.rollback()
