import hashlib
import json
import logging
import time
from datetime import timedelta

import psycopg2.errors
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# ir.config_parameter choosing what the webhook does once verified: "queue"
# (record it, answer, apply it in the inbox cron; the default, unset included:
# the request is short and a burst waits in the inbox, not in the carrier's
# connections) or "inline" (apply it before answering, with the counts in the
# answer).
WEBHOOK_APPLY_PARAM = "delivery_carrier_tracking.webhook_apply"
WEBHOOK_APPLY_MODES = [
    ("queue", "Accept, then apply"),
    ("inline", "Apply before answering"),
]
# A transient failure (a lock, the provider unreachable) is tried again this
# many times, then the row is left failed for a person: the poll still reads
# the shipment's status.
INBOX_MAX_ATTEMPTS = 5
# Applied rows are kept this long: a resend within it is recognised.
INBOX_KEEP_DAYS = 7
INBOX_CRONS = (
    "delivery_carrier_tracking.ir_cron_tracking_webhook_inbox",
    "delivery_carrier_tracking.ir_cron_tracking_webhook_inbox_2",
)


def _without_nul(value):
    """The payload without NUL characters, which PostgreSQL's text and jsonb
    cannot hold (the carrier's fields drop them when applied)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    return value


class _Rejected(Exception):
    """A webhook the inline path would answer 400: applying it again cannot
    succeed."""


class DeliveryCarrierWebhookInbox(models.Model):
    """Verified webhooks waiting to be applied (accept, then apply).

    The webhook's request only verifies it, records it here with one INSERT
    (idempotent on the carrier and the SHA-256 of the body: a resend is one
    row), commits and answers. The inbox crons apply the rows right after,
    with the very code of the inline path (_tracking_webhook_events +
    _tracking_webhook_apply), one row per transaction, taken with FOR UPDATE
    SKIP LOCKED so several crons and servers share the work, and only the
    oldest pending row of a shipment (its provider's key) at a time, so a
    parcel's webhooks are applied in the order they were accepted."""

    _name = "delivery.carrier.webhook.inbox"
    _description = "Carrier webhook waiting to be applied"
    _order = "id"
    _log_access = False

    carrier_id = fields.Many2one(
        "delivery.carrier", required=True, ondelete="cascade", readonly=True
    )
    event_hash = fields.Char(required=True, readonly=True)
    shipment_key = fields.Char(readonly=True)
    payload = fields.Json(readonly=True)
    headers = fields.Json(readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Applied"), ("failed", "Failed")],
        required=True,
        default="pending",
        readonly=True,
    )
    accepted_at = fields.Datetime(required=True, readonly=True)
    applied_at = fields.Datetime(readonly=True)
    attempts = fields.Integer(readonly=True)
    applied = fields.Integer(readonly=True)
    unknown = fields.Integer(readonly=True)
    error = fields.Text(readonly=True)
    # a transient failure waits before the next try: attempts x one minute
    next_try_at = fields.Datetime(readonly=True)

    _sql_constraints = [  # noqa: RUF012
        (
            "event_unique",
            "unique(carrier_id, event_hash)",
            "A carrier's webhook is recorded once.",
        )
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS delivery_carrier_webhook_inbox_pending_idx "
            "ON delivery_carrier_webhook_inbox (carrier_id, shipment_key, id) "
            "WHERE state = 'pending'"
        )

    # ------------------------------------------------------------------ #
    # Accept (the webhook's request)
    # ------------------------------------------------------------------ #

    @api.model
    def _tracking_queue_mode(self):
        return (
            self.env["ir.config_parameter"].sudo().get_param(WEBHOOK_APPLY_PARAM)
            or "queue"
        ) == "queue"

    @api.model
    def _tracking_accept(self, carrier, payload, headers):
        """Record a verified webhook: one INSERT, nothing when the same body
        was already recorded for this carrier. Returns whether it is new."""
        payload = _without_nul(payload)
        # what the provider's parser may read; never a header that carries
        # or proves the secret (by name: values may be any bytes)
        auth = carrier._tracking_webhook_auth()
        secret_headers = {"x-tracking-signature", "authorization", "cookie"}
        if auth.get("header"):
            secret_headers.add(auth["header"].lower())
        kept = {
            name: value
            for name, value in headers.items()
            if name.lower() not in secret_headers
        }
        cron_ids = self._tracking_cron_ids()
        # the insert and the crons to wake in one statement: the request's
        # only query of ours besides reading the carrier
        self.env.cr.execute(
            SQL(
                "WITH new AS ("
                " INSERT INTO delivery_carrier_webhook_inbox "
                " (carrier_id, event_hash, shipment_key, payload, headers, state,"
                "  accepted_at, attempts, applied, unknown) "
                " VALUES (%s, %s, %s, %s, %s, 'pending',"
                "  now() at time zone 'UTC', 0, 0, 0) "
                " ON CONFLICT (carrier_id, event_hash) DO NOTHING RETURNING id) "
                "SELECT EXISTS (SELECT 1 FROM new), %s",
                carrier.id,
                # the payload, not its bytes: a resend formatted otherwise is
                # the same webhook
                hashlib.sha256(
                    json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
                ).hexdigest(),
                carrier._tracking_webhook_shipment_key(payload),
                json.dumps(payload),
                json.dumps(kept),
                self._tracking_crons_to_wake(cron_ids),
            )
        )
        new, wake_ids = self.env.cr.fetchone()
        if new:
            self._tracking_wake(wake_ids)
        return new

    @api.model
    def _tracking_cron_ids(self):
        """The inbox crons' ids, from the registry's cache of XML ids (no
        query on each webhook)."""
        IrModelData = self.env["ir.model.data"]
        return tuple(
            filter(
                None,
                (
                    IrModelData._xmlid_to_res_id(xmlid, raise_if_not_found=False)
                    for xmlid in INBOX_CRONS
                ),
            )
        )

    @api.model
    def _tracking_crons_to_wake(self, cron_ids):
        """SQL: the ids of the active inbox crons, none when a wake-up is
        already waiting (a run about to start applies the new row too)."""
        if not cron_ids:
            return SQL("ARRAY[]::integer[]")
        return SQL(
            "ARRAY(SELECT id FROM ir_cron WHERE id IN %s AND active AND NOT EXISTS"
            " (SELECT 1 FROM ir_cron_trigger WHERE cron_id IN %s))",
            cron_ids,
            cron_ids,
        )

    @api.model
    def _tracking_wake(self, cron_ids):
        for cron in self.env["ir.cron"].sudo().browse(cron_ids):
            cron._trigger()

    @api.model
    def _tracking_trigger(self):
        """Wake the inbox crons, unless a wake-up is already waiting."""
        self.env.cr.execute(
            SQL("SELECT %s", self._tracking_crons_to_wake(self._tracking_cron_ids()))
        )
        self._tracking_wake(self.env.cr.fetchone()[0])

    # ------------------------------------------------------------------ #
    # Apply (the inbox crons)
    # ------------------------------------------------------------------ #

    @api.model
    def _tracking_take(self):
        """The next row to apply, locked: the oldest pending one that is the
        oldest pending of its shipment and no one else is applying."""
        self.flush_model(["state", "next_try_at"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM delivery_carrier_webhook_inbox i
                 WHERE state = 'pending'
                   AND (next_try_at IS NULL
                        OR next_try_at <= now() at time zone 'UTC')
                   AND NOT EXISTS (
                       SELECT 1 FROM delivery_carrier_webhook_inbox o
                        WHERE o.state = 'pending'
                          AND o.carrier_id = i.carrier_id
                          AND o.shipment_key = i.shipment_key
                          AND o.id < i.id)
                 ORDER BY id LIMIT 1
                   FOR UPDATE SKIP LOCKED
                """
            )
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self

    @api.model
    def _cron_tracking_webhook_inbox(self, limit=None):
        """Apply pending webhooks, one per transaction (committed at once
        under ir.cron), until none is left, `limit` rows or the run's time.

        :return: the number of rows handled
        """
        Picking = self.env["stock.picking"]
        deadline = Picking._tracking_cron_deadline()
        in_cron = bool(self.env.context.get("cron_id"))
        done = 0
        while (limit is None or done < limit) and time.monotonic() < deadline:
            try:
                row = self._tracking_take()
            except psycopg2.errors.SerializationFailure:
                # another inbox cron committed a row meanwhile (as core's
                # ir.cron acquiring a job): take again in a new snapshot
                self.env.cr.rollback()
                continue
            if not row:
                break
            if in_cron:
                try:
                    row._tracking_apply_row()
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                except Exception as error:  # noqa: BLE001 - retried, then failed
                    self.env.cr.rollback()
                    row._tracking_note_attempt(error)
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            else:
                row._tracking_apply_row()
            done += 1
        if in_cron:
            self._tracking_forget_applied()
        return done

    def _tracking_apply_row(self):
        """Parse and apply this row as the inline webhook does: what the
        inline path answers 400 leaves the row failed, with the reason; what
        it lets through as a server error (e.g. the provider unreachable
        while confirming the event) raises, to be tried again later."""
        self.ensure_one()
        carrier = self.carrier_id.sudo()
        values = {"attempts": self.attempts + 1, "applied_at": fields.Datetime.now()}
        try:
            with self.env.cr.savepoint():
                # the inline path's 400s, in its words (controllers/webhook.py)
                try:
                    shipments = carrier._tracking_webhook_events(
                        self.payload, self.headers
                    )
                except (ValueError, TypeError, OverflowError) as error:
                    raise _Rejected(error) from error
                try:
                    applied, unknown = carrier._tracking_webhook_apply(shipments)
                except (UserError, ValueError) as error:
                    raise _Rejected(error) from error
            values.update(state="done", applied=applied, unknown=unknown)
        except _Rejected as rejected:
            error = rejected.__cause__
            _logger.warning(
                "Webhook %s of carrier %s not applied: %s", self.id, carrier.id, error
            )
            values.update(state="failed", error=str(error)[:1000])
        self.write(values)
        if values["state"] == "failed":
            self._tracking_failed_notify()
        return values

    def _tracking_note_attempt(self, error):
        """A failure the row's savepoint could not hold (e.g. a serialization
        failure): tried again by a later run, up to INBOX_MAX_ATTEMPTS."""
        self.invalidate_recordset()
        attempts = self.attempts + 1
        _logger.warning("Webhook %s: attempt %s failed: %s", self.id, attempts, error)
        self.write(
            {
                "attempts": attempts,
                "error": str(error)[:1000],
                "state": "failed" if attempts >= INBOX_MAX_ATTEMPTS else "pending",
                "next_try_at": fields.Datetime.now() + timedelta(minutes=attempts),
            }
        )
        if self.state == "failed":
            self._tracking_failed_notify()

    # ------------------------------------------------------------------ #
    # Failed rows: a person is told, reads why, and retries
    # ------------------------------------------------------------------ #

    def _tracking_failed_summary(self, user):
        return self.with_context(lang=user.lang).env._("Carrier webhooks not applied")

    def _tracking_failed_notify(self):
        """One open activity per carrier for its failed webhooks, for who
        manages its settings, its note updated with the latest reason (the
        poll still reads the shipments' status meanwhile)."""
        for carrier in self.carrier_id.sudo():
            user = carrier._tracking_config_responsible()
            summary = self._tracking_failed_summary(user)
            failed = self.sudo().search_count(
                [("carrier_id", "=", carrier.id), ("state", "=", "failed")]
            )
            last = self.filtered(lambda row, c=carrier: row.carrier_id == c)[-1:]
            note = self.env._(
                "%(count)s webhook(s) of this carrier could not be applied; the "
                "last one: %(error)s. See Inventory > Configuration > Delivery > "
                "Carrier Webhooks, correct the cause and retry them.",
                count=failed,
                error=last.error or "",
            )
            carrier._tracking_warn_activity(summary, note, user)

    def action_tracking_retry(self):
        """Apply failed webhooks again (after the cause was corrected, e.g. a
        status mapped or a delivery's number set): pending at once for the
        inbox crons; the carrier's activity is done once none is left."""
        self.check_access("write")
        rows = self.sudo().filtered(lambda row: row.state == "failed")
        rows.write(
            {"state": "pending", "attempts": 0, "next_try_at": False, "error": False}
        )
        if rows:
            self._tracking_trigger()
        for carrier in rows.carrier_id:
            if not self.sudo().search_count(
                [("carrier_id", "=", carrier.id), ("state", "=", "failed")], limit=1
            ):
                summary = self._tracking_failed_summary(
                    carrier._tracking_config_responsible()
                )
                carrier.activity_ids.filtered(
                    lambda a, s=summary: a.summary == s
                ).action_feedback(feedback=self.env._("Webhooks retried."))
        return True

    @api.model
    def _tracking_forget_applied(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM delivery_carrier_webhook_inbox WHERE state = 'done' "
                "AND applied_at < now() at time zone 'UTC' - %s * interval '1 day'",
                INBOX_KEEP_DAYS,
            )
        )
