from datetime import timedelta

from odoo import api, fields, models
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

# Failed guesses allowed in the window, per address and per typed order
# reference, before the form refuses to answer (system parameters override).
DEFAULT_MAX_PER_ADDRESS = 20
DEFAULT_MAX_PER_ORDER = 5
DEFAULT_WINDOW_MINUTES = 15
# first key of the advisory locks of _lock_guesses (any constant of ours)
LOCK_SPACE = 22040


class WebsiteTrackingAttempt(models.Model):
    """A wrong guess on the public tracking form, kept in the database so
    every worker of the server counts the same guesses.

    Counted per typed order reference, whether such an order exists or not:
    the lock-out must not tell a guesser which references are real."""

    _name = "website.tracking.attempt"
    _description = "Failed Order Tracking Attempt"
    _log_access = False

    address = fields.Char(required=True, index=True)
    reference = fields.Char(required=True, index=True)
    attempt_time = fields.Datetime(
        required=True, index=True, default=fields.Datetime.now
    )

    @api.model
    def _limits(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        return (
            int(param("website_delivery_tracking.max_per_address", 0))
            or DEFAULT_MAX_PER_ADDRESS,
            int(param("website_delivery_tracking.max_per_order", 0))
            or DEFAULT_MAX_PER_ORDER,
            timedelta(
                minutes=int(param("website_delivery_tracking.window_minutes", 0))
                or DEFAULT_WINDOW_MINUTES
            ),
        )

    @api.model
    def _normalize_reference(self, reference):
        return (reference or "").strip().upper()[:64]

    @api.model
    def _lock_guesses(self, address, reference):
        """Make this cursor count and record the guesses of `address` and of
        `reference` one after the other with every worker of every server on
        the database: PostgreSQL advisory locks held until its transaction
        ends, and READ COMMITTED on a cursor just opened, so that each count
        sees the guesses committed by the previous holder (a repeatable-read
        snapshot taken before the lock would not, and parallel guesses would
        all pass the limit). Called on a cursor of its own, committed once
        the guess is recorded."""
        cr = self.env.cr
        if cr.connection.info.transaction_status == TRANSACTION_STATUS_IDLE:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        # always the address first: two guessers never wait for each other
        # in a circle
        for key in (
            f"address:{address}",
            f"reference:{self._normalize_reference(reference)}",
        ):
            cr.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_SPACE, key]
            )

    @api.model
    def _is_locked(self, address, reference):
        max_address, max_order, window = self._limits()
        since = fields.Datetime.now() - window
        Attempt = self.sudo()
        by_address = Attempt.search_count(
            [("address", "=", address), ("attempt_time", ">=", since)],
            limit=max_address,
        )
        if by_address >= max_address:
            return True
        by_order = Attempt.search_count(
            [
                ("reference", "=", self._normalize_reference(reference)),
                ("attempt_time", ">=", since),
            ],
            limit=max_order,
        )
        return by_order >= max_order

    @api.model
    def _record_failure(self, address, reference):
        self.sudo().create(
            {
                "address": address,
                "reference": self._normalize_reference(reference) or "-",
            }
        )

    @api.autovacuum
    def _gc_attempts(self):
        """Guesses older than the window count for nothing any more."""
        window = max(self._limits()[2], timedelta(days=1))
        self.sudo().search(
            [("attempt_time", "<", fields.Datetime.now() - window)]
        ).unlink()
