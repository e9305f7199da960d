import logging
import time
from datetime import timedelta

import psycopg2.errors
from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..shipment_rules import ACTIVE_SHIPMENT_STATES

# Shipments on their way, from the label on: a person looks when the carrier
# has said nothing about them for too long. An exception has its own reason.
MOVING_SHIPMENT_STATES = tuple(
    state for state in ACTIVE_SHIPMENT_STATES if state != "exception"
)
WATCH_ACTIVITY_TYPE = "delivery_carrier_tracking.mail_activity_type_shipment_watch"

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    """Late-shipment watch: the deliveries that need a person, as a
    searchable reason (always computed from the clock at search time, so a
    filter is never stale) and one activity per problem delivery, kept by a
    scheduler while the problem lasts."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    tracking_last_event_at = fields.Datetime(
        "Last Carrier Event",
        compute="_compute_tracking_last_event_at",
        store=True,
        index=True,
        copy=False,
        help="Time of the newest event the carrier reported for this delivery.",
    )
    watch_reason = fields.Selection(
        selection="_selection_watch_reason",
        string="Needs Attention",
        compute="_compute_watch_reason",
        search="_search_watch_reason",
        help="Why this delivery needs a person now (see the company's and the "
        "carrier's watch thresholds); empty when all is well.",
    )
    watch_notified_reason = fields.Selection(
        selection="_selection_watch_reason",
        string="Watch Activity Reason",
        copy=False,
        readonly=True,
        help="The reason the watch scheduler last acted on: an activity is "
        "made when it changes to a reason and marked done when it is gone.",
    )

    @api.model
    def _selection_watch_reason(self):
        """The reasons; modules that know more (sale + tracking) add theirs."""
        return [
            ("label_late", self.env._("Label pending too long")),
            ("no_news", self.env._("No carrier event")),
            ("exception", self.env._("Shipment exception")),
        ]

    @api.depends("tracking_event_ids.event_time")
    def _compute_tracking_last_event_at(self):
        # one grouped query, not one per delivery (module install on a big base)
        newest = dict(
            self.env["stock.picking.tracking.event"]
            .sudo()
            ._read_group(
                [("picking_id", "in", self.ids)], ["picking_id"], ["event_time:max"]
            )
        )
        for picking in self:
            picking.tracking_last_event_at = newest.get(picking._origin)

    # ------------------------------------------------------------------ #
    # The reasons, as domains: one definition for filters, rows and cron
    # ------------------------------------------------------------------ #

    @api.model
    def _watch_base_domain(self):
        # as the scheduler's _tracking_shipping_condition: done deliveries
        # and return parcels on their way
        return [
            ("carrier_id", "!=", False),
            "|",
            ("state", "=", "done"),
            "&",
            "&",
            ("picking_type_code", "=", "incoming"),
            ("return_id", "!=", False),
            ("state", "not in", ("draft", "cancel")),
        ]

    @api.model
    def _watch_reason_domains(self):
        """{reason: domain} of the deliveries needing a person, as of now.
        A delivery has at most one reason: each is about other shipment
        states. Thresholds are read here, so a changed setting counts at
        the next search."""
        now = fields.Datetime.now()
        return {
            "label_late": self._watch_label_late_domain(now),
            "no_news": self._watch_no_news_domain(now),
            "exception": [("shipment_state", "=", "exception")],
        }

    @api.model
    def _watch_companies_by(self, fname):
        """{threshold: companies} of the companies with that threshold set."""
        companies = self.env["res.company"].sudo().search([(fname, ">", 0)])
        return companies.grouped(fname)

    @api.model
    def _watch_label_late_domain(self, now):
        parts = [
            [
                ("company_id", "in", companies.ids),
                ("date_done", "<", now - timedelta(hours=hours)),
            ]
            for hours, companies in self._watch_companies_by(
                "tracking_watch_label_hours"
            ).items()
        ]
        # waiting for their method's settings: the method's activity says so
        refused = (
            self.env["delivery.carrier"]
            .sudo()
            .with_context(active_test=False)
            .search([("tracking_config_error", "!=", False)])
        )
        return expression.AND(
            [
                [
                    ("shipment_state", "=", "label_pending"),
                    ("carrier_id", "not in", refused.ids),
                ],
                expression.OR(parts),
            ]
        )

    @api.model
    def _watch_no_news_domain(self, now):
        """On the way and nothing from the carrier for the carrier's number of
        days, else the company's: since its newest event, or since the
        validation when there is none yet. One condition per distinct
        threshold, so the search stays a few indexed leaves."""

        def silent_since(cutoff):
            return [
                "|",
                ("tracking_last_event_at", "<", cutoff),
                "&",
                ("tracking_last_event_at", "=", False),
                ("date_done", "<", cutoff),
            ]

        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .with_context(active_test=False)
            .search([("tracking_watch_days", ">", 0)])
        )
        parts = [
            [("carrier_id", "in", group.ids), *silent_since(now - timedelta(days=days))]
            for days, group in carriers.grouped("tracking_watch_days").items()
        ]
        parts += [
            [
                ("carrier_id", "not in", carriers.ids),
                ("company_id", "in", companies.ids),
                *silent_since(now - timedelta(days=days)),
            ]
            for days, companies in self._watch_companies_by(
                "tracking_watch_days"
            ).items()
        ]
        return expression.AND(
            [[("shipment_state", "in", MOVING_SHIPMENT_STATES)], expression.OR(parts)]
        )

    def _search_watch_reason(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(operator)
        values = {v or False for v in ([value] if operator in ("=", "!=") else value)}
        if operator in ("!=", "not in"):  # the complement: no NOT on leaves
            reasons = {reason for reason, _label in self._selection_watch_reason()}
            values = {False, *reasons} - values
        return self._watch_reasons_domain(values)

    @api.model
    def _watch_reasons_domain(self, reasons):
        """Domain of the deliveries whose reason is one of `reasons` (False:
        none). "None" is "not any reason", as an id subquery: negating the
        reasons' leaves one by one would get NULLs wrong."""
        domains = self._watch_reason_domains()
        base = self._watch_base_domain()
        parts = [
            expression.AND([base, domains[reason]])
            for reason in reasons
            if reason in domains
        ]
        if any(not reason for reason in reasons):
            any_reason = expression.OR(
                [expression.AND([base, domain]) for domain in domains.values()]
            )
            parts.append([("id", "not in", self.sudo()._search(any_reason))])
        return expression.OR(parts)

    def _compute_watch_reason(self):
        self.watch_reason = False
        saved = self.filtered(lambda p: isinstance(p.id, int))
        if not saved:
            return
        # the filters' own search, so that a row and a filter never disagree
        for reason, domain in self._watch_reason_domains().items():
            matched = self.search(
                expression.AND(
                    [[("id", "in", saved.ids)], self._watch_base_domain(), domain]
                )
            )
            for picking in saved.filtered(lambda p, ids=set(matched.ids): p.id in ids):
                picking.watch_reason = picking.watch_reason or reason

    # ------------------------------------------------------------------ #
    # Scheduler: one activity per problem delivery
    # ------------------------------------------------------------------ #

    @api.model
    def _watch_due_ids(self):
        """Deliveries whose reason differs from the one last acted on."""
        ids = set()
        for reason in self._watch_reason_domains():
            ids.update(
                self.search(
                    [
                        ("watch_reason", "=", reason),
                        ("watch_notified_reason", "!=", reason),
                    ]
                ).ids
            )
        ids.update(
            self.search(
                [("watch_notified_reason", "!=", False), ("watch_reason", "=", False)]
            ).ids
        )
        return sorted(ids)

    @api.model
    def _watch_take(self, picking_id):
        """Lock one delivery for this transaction, or nothing when another
        transaction holds it or changed it since ours began (another worker
        acting on it): that one notes it, not this one."""
        self.flush_model(["watch_notified_reason"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """SELECT id FROM stock_picking WHERE id = %s
                            FOR NO KEY UPDATE SKIP LOCKED""",
                        picking_id,
                    ),
                    log_exceptions=False,
                )
                taken = self.browse([row[0] for row in self.env.cr.fetchall()])
        except psycopg2.errors.SerializationFailure:
            return self.browse()
        taken.invalidate_recordset()
        return taken

    @api.model
    def _cron_watch_shipments(self):
        """Open an activity on each delivery that newly needs a person, mark
        it done once the problem is gone. Each delivery is locked while it
        is handled and its watch_notified_reason written: a second worker
        skips it or fails to lock it (serialization) instead of making a
        second activity. Committed one by one under ir.cron.

        :return: the number of deliveries handled
        """
        deadline = self._tracking_cron_deadline()
        due = self._watch_due_ids()
        done = seen = 0
        for picking_id in due:
            if time.monotonic() >= deadline:
                break
            seen += 1
            picking = self._watch_take(picking_id)
            if not picking:
                continue  # another worker's
            try:
                with self.env.cr.savepoint():
                    picking._watch_update_activity()
                done += 1
            except Exception:  # one delivery never stops the run (logged)
                # its reason stays unnoted: the next run tries it again
                _logger.exception("Shipment watch of %s failed", picking.name)
            self._tracking_cron_commit()
        # those skipped as another worker's are that worker's, not left over
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(due) - seen)
        return done

    def _watch_activity_user(self):
        """The delivery's responsible when a person is, else the company's
        watcher: deliveries validated by the scheduler or the shop's
        automation have OdooBot or a portal user as responsible, who would
        never see the activity. Without a watcher, the current user, but the
        administrator for a carrier's webhook (public user) or a cron
        (OdooBot)."""
        self.ensure_one()

        def is_person(user):
            return user and not (user.share or user._is_superuser())

        if is_person(self.user_id):
            return self.user_id
        user = self.company_id.tracking_watch_user_id or self.env.user
        if not is_person(user):
            user = self.env.ref("base.user_admin", raise_if_not_found=False) or user
        return user

    def _watch_update_activity(self):
        self.ensure_one()
        reason = self.watch_reason
        if reason == self.watch_notified_reason:
            return  # another worker did it between our search and our lock
        activity_type = self.env.ref(WATCH_ACTIVITY_TYPE)
        activities = self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if reason:
            user = self._watch_activity_user()
            summary = dict(self.with_context(lang=user.lang)._selection_watch_reason())[
                reason
            ]
            if activities:  # the problem changed: the same activity says so
                activities.write({"summary": summary})
            else:
                self.activity_schedule(
                    WATCH_ACTIVITY_TYPE,
                    fields.Date.context_today(self),
                    summary=summary,
                    user_id=user.id,
                )
        elif activities:
            activities.action_feedback(
                feedback=self.env._("Solved: the shipment no longer needs attention.")
            )
        self.watch_notified_reason = reason
