import logging
import time
import weakref
from datetime import timedelta

import psycopg2.errors
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config, split_every

from ..rate_budget import RequestPacer
from ..shipment_rules import (
    ACTIVE_SHIPMENT_STATES,
    BUDGET_DEFER,
    BUDGET_MAX_WAIT,
    CRON_TIME_DEFAULT,
    CRON_TIME_SHARE,
    POLL_FAILURES_WARN,
    RATE_LIMIT_PAUSE,
    tracking_backoff,
)

_logger = logging.getLogger(__name__)

# Deadline of each ir.cron run, per job cursor: ir.cron calls the job's
# method up to MAX_BATCH_PER_CRON_JOB times on one cursor while the time
# limit covers them all.
_cron_deadlines = weakref.WeakKeyDictionary()


class StockPicking(models.Model):
    """The scheduler of deliveries' shipments: retry pending labels, poll
    active shipments."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _tracking_due_condition(self, states, carrier_ids=None):
        """SQL condition of the done deliveries in `states` that are due,
        of these carriers (None: of any carrier), and of the return parcels
        on their way (receipts not received yet: the parcel travels before
        the warehouse validates it)."""
        carriers = (
            SQL("carrier_id IS NOT NULL")
            if carrier_ids is None
            else SQL("carrier_id IN %s", tuple(carrier_ids) or (None,))
        )
        self.env["delivery.carrier"].flush_model(["tracking_config_error"])
        # a method whose settings the carrier refused is asked nothing until
        # they are fixed (see delivery_carrier_configuration)
        return SQL(
            """shipment_state IN %s AND %s AND %s
               AND (tracking_next_poll_at IS NULL OR tracking_next_poll_at <= %s)
               AND carrier_id NOT IN (SELECT id FROM delivery_carrier
                                       WHERE tracking_config_error IS NOT NULL)""",
            tuple(states),
            self._tracking_shipping_condition(),
            carriers,
            fields.Datetime.now(),
        )

    @api.model
    def _tracking_shipping_condition(self):
        """SQL: pickings whose parcel travels: done deliveries, and return
        receipts from the moment they exist until the warehouse received
        them (and after: late carrier news of a parcel still counts)."""
        return SQL(
            """(state = 'done' OR (state NOT IN ('draft', 'cancel')
                AND return_id IS NOT NULL
                AND picking_type_id IN (SELECT id FROM stock_picking_type
                                         WHERE code = 'incoming')))"""
        )

    @api.model
    def _tracking_due_ids(self, states, limit, carrier_ids=None):
        """Ids of due deliveries, most overdue first. Not locked: each is
        taken (_tracking_take) when its turn comes, so the others stay free
        for webhooks and users meanwhile."""
        self.flush_model(
            ["shipment_state", "state", "carrier_id", "tracking_next_poll_at"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT id FROM stock_picking WHERE %s
                    ORDER BY tracking_next_poll_at NULLS FIRST, id LIMIT %s""",
                self._tracking_due_condition(states, carrier_ids),
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _tracking_take(self, ids, states):
        """Lock those of these deliveries still due in `states` for this
        transaction (lock mode: _tracking_lock). One another transaction
        holds (a webhook, another worker) is skipped, never waited for."""
        self.flush_model(
            ["shipment_state", "state", "carrier_id", "tracking_next_poll_at"]
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """SELECT id FROM stock_picking WHERE id IN %s AND %s
                            ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
                        tuple(ids),
                        self._tracking_due_condition(states),
                    ),
                    log_exceptions=False,
                )
                taken = self.browse([row[0] for row in self.env.cr.fetchall()])
        except psycopg2.errors.SerializationFailure:
            # changed by a transaction that committed after this one began:
            # another worker's, which handled it
            return self.browse()
        taken.invalidate_recordset()  # read as locked, not as cached before
        return taken

    @api.model
    def _tracking_cron_deadline(self):
        """time.monotonic() after which the scheduler takes no new work: a
        share of Odoo's real time limit for crons, counted from the first
        batch of the ir.cron run (its batches share one cursor and one
        limit), else from now."""
        limit = config["limit_time_real_cron"]
        if not limit or limit < 0:  # as the server does: the HTTP limit
            limit = config["limit_time_real"]
        budget = limit * CRON_TIME_SHARE if limit and limit > 0 else CRON_TIME_DEFAULT
        deadline = time.monotonic() + budget
        if not self.env.context.get("cron_id"):
            return deadline
        return _cron_deadlines.setdefault(self.env.cr, deadline)

    @api.model
    def _tracking_cron_commit(self):
        """Keep what is done when ir.cron runs the scheduler: a run killed
        later (time limit, restart) does not undo it, and the delivery's row
        is free at once. Elsewhere (Run Manually, tests, scripts) the
        caller's transaction decides."""
        if self.env.context.get("cron_id"):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _tracking_poll_carrier_ids(self):
        """Carriers of the due active shipments that can be polled."""
        self.flush_model(
            ["shipment_state", "state", "carrier_id", "tracking_next_poll_at"]
        )
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT carrier_id FROM stock_picking WHERE %s",
                self._tracking_due_condition(ACTIVE_SHIPMENT_STATES),
            )
        )
        carriers = self.env["delivery.carrier"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
        return carriers.filtered(lambda c: c._tracking_can_poll()).ids

    @api.model
    def _cron_tracking_update(self, batch_size=50):
        """Retry pending labels, then poll active shipments, up to
        `batch_size` of each: one delivery (label) or one small chunk (poll)
        at a time, taken when its turn comes, in its own savepoint, committed
        at once under ir.cron. Past the run's deadline it takes no new work;
        ir.cron runs it again while work remains (progress).

        :return: the number of deliveries handled
        """
        deadline = self._tracking_cron_deadline()
        done = 0
        for picking_id in self._tracking_due_ids(["label_pending"], batch_size):
            if time.monotonic() >= deadline:
                break
            picking = self._tracking_take([picking_id], ["label_pending"])
            if picking:
                picking._tracking_retry_label()
                done += 1
            self._tracking_cron_commit()
        poll_carrier_ids = self._tracking_poll_carrier_ids()
        active = self.browse(
            self._tracking_due_ids(ACTIVE_SHIPMENT_STATES, batch_size, poll_carrier_ids)
        )
        chunks = [
            (carrier, chunk)
            for carrier, pickings in active.grouped("carrier_id").items()
            for chunk in split_every(carrier._tracking_poll_batch_size(), pickings.ids)
        ]
        spent = set()  # accounts blocked or without budget until the deadline
        for carrier, chunk in chunks:
            if time.monotonic() >= deadline:
                break
            done += self._tracking_poll_chunk(carrier, chunk, deadline, spent)
            self._tracking_cron_commit()
        self.flush_model(
            ["shipment_state", "state", "carrier_id", "tracking_next_poll_at"]
        )
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM stock_picking WHERE (%s) OR (%s)",
                self._tracking_due_condition(["label_pending"]),
                self._tracking_due_condition(ACTIVE_SHIPMENT_STATES, poll_carrier_ids),
            )
        )
        remaining = self.env.cr.fetchone()[0]
        cron = self.env["ir.cron"].browse(self.env.context.get("cron_id"))
        if cron and remaining and not done and time.monotonic() >= deadline:
            # The run's time is spent: ir.cron ends it on a batch without
            # progress. The rest goes to a new run, with a new time limit.
            cron._trigger()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _tracking_poll_chunk(self, carrier, chunk, deadline, spent):
        """Poll one chunk within the provider account's request budget:
        reserve its requests (shared by every worker and server), wait for
        the first slot before taking the rows, so that nothing is held while
        waiting. An account whose budget is taken or blocked (429) for longer
        (BUDGET_MAX_WAIT, the deadline) is skipped for the rest of the run
        (`spent`).

        :return: the number of deliveries polled
        """
        account = carrier._tracking_rate_account()
        wait = None
        if account not in spent:
            wait = carrier._tracking_budget_reserve(
                len(chunk), max_wait=min(BUDGET_MAX_WAIT, deadline - time.monotonic())
            )
        if wait is None:
            spent.add(account)
            # due again a little later: left due, they would stay the most
            # overdue of every run and crowd out the other accounts' polls
            self._tracking_take(chunk, ACTIVE_SHIPMENT_STATES).write(
                {"tracking_next_poll_at": fields.Datetime.now() + BUDGET_DEFER}
            )
            return 0
        time.sleep(wait)
        pickings = self._tracking_take(chunk, ACTIVE_SHIPMENT_STATES)
        if not pickings:
            return 0
        pacer = RequestPacer(0.0, carrier._tracking_account_rate(), len(chunk))
        pickings.with_context(tracking_request_pacer=pacer)._tracking_poll()
        if pacer.retry_after is not None:
            spent.add(account)
        return len(pickings)

    def _tracking_retry_label(self):
        """One label retry of the scheduler, in its own savepoint: whatever
        fails (the checks, the carrier, a bug) is noted on this delivery,
        which backs off; the run goes on with the others."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._tracking_check_retry()
                self.with_context(tracking_keep_on_error=True).send_to_shipper()
        except Exception as error:  # noqa: BLE001 - see docstring
            _logger.info("Label retry of %s failed: %s", self.name, error)
            self._tracking_shipment_failed(error)

    def _tracking_check_retry(self):
        """The carrier still ships this way: the scheduler does not book
        with a carrier the shop archived or stopped labels for."""
        carrier = self.carrier_id
        if not carrier.active:
            raise UserError(
                self.env._(
                    "The carrier %(carrier)s is archived: reactivate it, or ship "
                    "this delivery another way.",
                    carrier=carrier.name,
                )
            )
        if not carrier._tracking_creates_shipment():
            raise UserError(
                self.env._(
                    "The carrier %(carrier)s no longer creates shipments: turn "
                    "its shipping labels back on, or ship this delivery another "
                    "way.",
                    carrier=carrier.name,
                )
            )

    def _tracking_poll(self):
        """Poll one carrier for these pickings; those that failed (whatever
        the error) back off, and one that keeps failing gets an activity."""
        carrier = self.carrier_id
        carrier.ensure_one()
        try:
            with self.env.cr.savepoint():
                failures = carrier._tracking_update(self) or {}
        except Exception as error:  # noqa: BLE001 - they back off, the run goes on
            failures = dict.fromkeys(self.ids, error)
        # a refusal of the method's settings stops its polls until fixed
        refused = next(
            filter(None, map(carrier._tracking_configuration_error, failures.values())),
            None,
        )
        if refused:
            carrier._tracking_config_failed(refused)
        now = fields.Datetime.now()
        # "Too many requests" (an error with retry_after: a 429, or a request
        # the pacer held back after one): no failure of the shipment; the
        # account is left alone until then, the delivery asked again later.
        pauses = [
            error.retry_after or RATE_LIMIT_PAUSE.total_seconds()
            for error in failures.values()
            if hasattr(error, "retry_after")
        ]
        if pauses:
            carrier._tracking_budget_block(max(pauses))
        for picking in self:
            error = failures.get(picking.id)
            if error is None:
                picking._tracking_note_news(now, polled=True)
                continue
            if hasattr(error, "retry_after"):
                pause = error.retry_after or RATE_LIMIT_PAUSE.total_seconds()
                picking.tracking_next_poll_at = now + timedelta(seconds=pause)
                _logger.info("Tracking update of %s deferred: %s", picking.name, error)
                continue
            count = picking.tracking_poll_failures + 1
            picking.write(
                {
                    "tracking_poll_failures": count,
                    "tracking_next_poll_at": now + tracking_backoff(count),
                }
            )
            _logger.info(
                "Tracking update of %s failed (%s): %s", picking.name, count, error
            )
            if count >= POLL_FAILURES_WARN:
                picking._tracking_warn_once(
                    lambda env: env._("Tracking updates failing"), str(error)
                )

    def _tracking_note_news(self, now=None, polled=False):
        """The carrier gave news of these deliveries (a webhook, a poll that
        worked): the next poll of those on their way waits the carrier's
        interval from now, and a working poll ends the failure count."""
        now = now or fields.Datetime.now()
        for picking in self:
            vals = {"tracking_last_news_at": now}
            if picking.shipment_state in ACTIVE_SHIPMENT_STATES:
                vals["tracking_next_poll_at"] = (
                    now + picking.carrier_id._tracking_poll_delta()
                )
            if polled:
                vals["tracking_poll_failures"] = 0
            picking.write(vals)
