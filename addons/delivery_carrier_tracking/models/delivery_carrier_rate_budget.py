import random
import time

import psycopg2.errors
from odoo import api, fields, models
from odoo.tools import SQL

from ..rate_budget import reserve_slots

MAX_ATTEMPTS = 20


class DeliveryCarrierRateBudget(models.Model):
    """The request budget of one provider account (rate_budget.py), shared by
    every worker, cron and server of the database: reserved and blocked
    through short transactions of their own, committed at once, on the
    database's clock. Times are epoch seconds.

    Odoo's transactions are REPEATABLE READ: one that waited for the row's
    lock held by another fails to serialize when that one commits. The
    transaction is short and alone in its cursor, so it is simply run again
    on a fresh snapshot."""

    _name = "delivery.carrier.rate.budget"
    _description = "Carrier Request Budget"
    _log_access = False

    account = fields.Char(
        required=True,
        readonly=True,
        help="The provider account the budget is for (e.g. one API key).",
    )
    rate = fields.Float(
        "Requests per Second",
        readonly=True,
        help="The account's rate in force: the lowest Provider Requests per "
        "Second of its delivery methods (delivery.carrier "
        "_tracking_account_rate), written by each reservation.",
    )
    next_slot = fields.Float(
        readonly=True, help="Epoch seconds of the account's next free request slot."
    )
    blocked_until = fields.Float(
        readonly=True,
        help="Epoch seconds before which the provider asked not to be called "
        "(its Retry-After).",
    )

    _sql_constraints = [  # noqa: RUF012
        ("account_unique", "UNIQUE(account)", "One budget per provider account.")
    ]

    @api.model
    def _in_own_transaction(self, func):
        """func(cr) in a transaction of its own, committed at once; run
        again when a concurrent reservation committed first."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                with self.env.registry.cursor() as cr:
                    return func(cr)
            except (
                psycopg2.errors.SerializationFailure,
                psycopg2.errors.UniqueViolation,
            ):
                if attempt == MAX_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0, 0.005 * (attempt + 1)))

    @api.model
    def _locked_row(self, cr, account):
        """(now, next_slot, blocked_until) of the account, its row locked
        until the caller's transaction ends; created at first use."""
        cr.execute(
            SQL(
                """INSERT INTO delivery_carrier_rate_budget (account, rate,
                       next_slot, blocked_until)
                   VALUES (%s, 0, 0, 0) ON CONFLICT (account) DO NOTHING""",
                account,
            ),
            log_exceptions=False,  # a concurrent reservation: tried again
        )
        cr.execute(
            SQL(
                """SELECT extract(epoch FROM clock_timestamp())::float8,
                          next_slot, blocked_until
                     FROM delivery_carrier_rate_budget
                    WHERE account = %s FOR UPDATE""",
                account,
            ),
            log_exceptions=False,
        )
        return cr.fetchone()

    @api.model
    def _reserve(self, account, rate, count, max_wait):
        """Reserve `count` requests to the account at `rate` per second.

        :return: seconds to wait before the first one (the others follow
            rate_budget.slot_interval(rate) apart), or None when that is
            more than `max_wait` (the account blocked or its budget taken
            for longer: nothing reserved)
        """

        def reserve(cr):
            now, next_slot, blocked_until = self._locked_row(cr, account)
            wait, next_slot = reserve_slots(
                now, next_slot, blocked_until, rate, count, max_wait
            )
            if wait is not None:
                cr.execute(
                    SQL(
                        """UPDATE delivery_carrier_rate_budget
                              SET next_slot = %s, rate = %s WHERE account = %s""",
                        next_slot,
                        rate,
                        account,
                    )
                )
            return wait

        return self._in_own_transaction(reserve)

    @api.model
    def _block(self, account, seconds):
        """The provider said "too many requests, come back in `seconds`":
        nobody calls it before then."""

        def block(cr):
            now, _next_slot, blocked_until = self._locked_row(cr, account)
            cr.execute(
                SQL(
                    """UPDATE delivery_carrier_rate_budget
                          SET blocked_until = %s WHERE account = %s""",
                    max(blocked_until, now + seconds),
                    account,
                )
            )

        self._in_own_transaction(block)
