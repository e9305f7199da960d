import json
import logging
import math
import re
import time
import weakref
from datetime import timedelta
from urllib.parse import urlsplit

import psycopg2.errors
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, config, format_amount, split_every

_logger = logging.getLogger(__name__)

SHIPMENT_STATES = [
    ("label_pending", "Label Pending"),
    ("label_created", "Label Created"),
    ("picked_up", "Picked Up"),
    ("in_transit", "In Transit"),
    ("out_for_delivery", "Out for Delivery"),
    ("delivered", "Delivered"),
    ("exception", "Exception"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]
# Shipments the carrier still moves: the poll cron asks about these.
ACTIVE_SHIPMENT_STATES = (
    "label_created",
    "picked_up",
    "in_transit",
    "out_for_delivery",
    "exception",
)
# The order of a parcel's progress: carrier events only move a shipment
# forward along it (see shipment_state_after).
SHIPMENT_PROGRESS = (
    "label_pending",
    "label_created",
    "picked_up",
    "in_transit",
    "out_for_delivery",
    "delivered",
)
# What a carrier may report: "label pending" is ours (the send path sets it
# and the scheduler retries it), never a carrier's.
CARRIER_STATES = tuple(
    state for state, _label in SHIPMENT_STATES if state != "label_pending"
)
# How far ahead of our clock a carrier's time may be (webhook timestamps,
# event times): an event dated later is recorded at its arrival time.
MAX_CLOCK_SKEW = timedelta(seconds=300)
TRACKING_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./ ]*$")
TRACKING_NUMBER_MAX = 64
CONTROL_CHARS_RE = re.compile(r"[\x00-\x1f\x7f]")
POLL_INTERVAL = timedelta(hours=1)
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(days=1)
# Consecutive failed polls (about half a day with the back-off) before a
# person is asked to look: a carrier's short outage is not worth an activity.
POLL_FAILURES_WARN = 8
# Share of Odoo's real time limit of a cron run (limit_time_real_cron, else
# limit_time_real) the scheduler spends before it stops taking new work.
CRON_TIME_SHARE = 0.25
CRON_TIME_DEFAULT = 60.0  # seconds, when the server has no limit
# Deadline of each ir.cron run, per job cursor: ir.cron calls the job's
# method up to MAX_BATCH_PER_CRON_JOB times on one cursor while the time
# limit covers them all.
_cron_deadlines = weakref.WeakKeyDictionary()


def shipment_state_after(state, event_state, stale=False, progress=False):
    """The shipment state once a carrier reports `event_state`: the one place
    that says how events move a shipment.

    - Progress only goes forward along SHIPMENT_PROGRESS (label created <
      picked up < in transit < out for delivery < delivered): an older event
      arriving late never moves a shipment back.
    - An exception or a cancellation is news only when it is not `stale`
      (older than the newest event already recorded); it never follows
      delivered.
    - A newer progress event ends an exception, back to the furthest
      `progress` known.
    - Returned is final and may follow delivered; cancelled is final.
    """
    if state in ("returned", "cancelled"):
        return state
    if event_state in SHIPMENT_PROGRESS:
        if state == "exception":
            if stale:
                return state
            state = progress
        if state not in SHIPMENT_PROGRESS:  # no shipment state yet
            return event_state
        return max(state, event_state, key=SHIPMENT_PROGRESS.index)
    if event_state == "returned":
        return event_state
    if stale or state == "delivered":
        return state
    return event_state


def tracking_backoff(failures):
    """Delay before the next attempt after `failures` consecutive failures."""
    return min(BACKOFF_BASE * (2 ** max(failures - 1, 0)), BACKOFF_MAX)


def tracking_event_text(value, size):
    """A carrier's text as one plain line of at most `size` characters.

    Stored as plain text, never as HTML: pages and mails escape it when they
    render it (QWeb t-out/t-field). Control characters go (PostgreSQL refuses
    NUL) and whitespace runs shrink to one space (one line in a timeline)."""
    return " ".join(CONTROL_CHARS_RE.sub(" ", str(value or "")).split())[:size]


class _ShipmentError(Exception):
    """Carries the carrier's shipment id out of a rolled-back savepoint."""

    def __init__(self, error, carrier_shipment_id):
        super().__init__(str(error))
        self.error = error
        self.carrier_shipment_id = carrier_shipment_id


class StockPicking(models.Model):
    _inherit = "stock.picking"

    shipment_state = fields.Selection(
        SHIPMENT_STATES, tracking=True, index=True, copy=False, readonly=True
    )
    carrier_shipment_id = fields.Char(
        "Carrier Shipment ID",
        copy=False,
        index=True,
        readonly=True,
        help="The carrier's own id of the shipment: once set, a retry never "
        "creates a second shipment with the carrier.",
    )
    tracking_event_ids = fields.One2many(
        "stock.picking.tracking.event", "picking_id", "Tracking Events", readonly=True
    )
    tracking_next_poll_at = fields.Datetime(
        "Next Tracking Update", copy=False, readonly=True, index=True
    )
    tracking_poll_failures = fields.Integer(
        "Tracking Update Failures", copy=False, readonly=True
    )
    tracking_label_ids = fields.One2many(
        "ir.attachment", compute="_compute_tracking_label_ids", string="Labels"
    )

    # ------------------------------------------------------------------ #
    # Computes and constraints
    # ------------------------------------------------------------------ #

    def _compute_tracking_label_ids(self):
        labels = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "stock.picking"),
                ("res_id", "in", self.ids),
                ("name", "=like", "LabelShipping-%"),
            ],
            order="id",
        )
        for picking in self:
            picking.tracking_label_ids = labels.filtered(
                lambda a, p=picking: a.res_id == p.id
            )

    @api.model
    def _tracking_clean_number(self, tracking_number):
        """Strip and validate a tracking number, or comma-separated numbers
        (one per package). Raises a ValidationError naming what is wrong."""
        # str(): a carrier may send a waybill as a JSON number
        numbers = [n.strip() for n in str(tracking_number or "").split(",")]
        numbers = [n for n in numbers if n]
        if not numbers:
            raise ValidationError(self.env._("The tracking number is empty."))
        for number in numbers:
            if len(number) > TRACKING_NUMBER_MAX:
                raise ValidationError(
                    self.env._(
                        "The tracking number is too long (%(length)s characters, "
                        "at most %(max)s).",
                        length=len(number),
                        max=TRACKING_NUMBER_MAX,
                    )
                )
            if not TRACKING_NUMBER_RE.match(number):
                raise ValidationError(
                    self.env._(
                        "The tracking number %(number)r may only contain letters, "
                        "digits, spaces and - _ . /",
                        number=number[:TRACKING_NUMBER_MAX],
                    )
                )
        return ",".join(numbers)

    @api.constrains("carrier_tracking_ref")
    def _check_carrier_tracking_ref(self):
        for picking in self.filtered("carrier_tracking_ref"):
            picking._tracking_clean_number(picking.carrier_tracking_ref)

    # ------------------------------------------------------------------ #
    # Shipment creation at validation (core: send_to_shipper)
    # ------------------------------------------------------------------ #

    def _send_confirmation_email(self):
        # Core calls send_to_shipper() from here; the context asks it to keep
        # the validation when the carrier fails (shipment left "label pending").
        return super(
            StockPicking, self.with_context(tracking_keep_on_error=True)
        )._send_confirmation_email()

    def _tracking_lock(self):
        """Lock the rows: a concurrent transaction that shipped them first
        makes this one fail with a serialization error instead of shipping
        twice. NO KEY UPDATE: still exclusive between shippers (and any
        UPDATE of the row), but inserts of rows pointing at the picking
        (tracking events, moves) in other transactions are not blocked."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM stock_picking WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )

    def _tracking_check_shipping_data(self):
        """Raise a UserError naming every missing field before any carrier call."""
        self.ensure_one()
        partner = self.partner_id
        missing = []
        if not partner:
            missing.append(self.env._("recipient"))
        else:
            for fname in ("street", "city", "zip"):
                if not partner[fname]:
                    missing.append(
                        partner._fields[fname].get_description(self.env)["string"]
                    )
            if not (partner.phone or partner.mobile):
                missing.append(self.env._("Phone"))
        if not (self.shipping_weight or self.weight):
            missing.append(self.env._("Weight"))
        if missing:
            raise UserError(
                self.env._(
                    "Delivery %(picking)s cannot be shipped with %(carrier)s: "
                    "missing %(fields)s.",
                    picking=self.name,
                    carrier=self.carrier_id.name,
                    fields=", ".join(missing),
                )
            )

    def _tracking_check_carrier_call(self, action):
        """Refuse to book or cancel a shipment that the delivery form would not
        offer (buttons, XML-RPC): only Inventory users, only on done deliveries
        that are not receipts. Core's call at validation (in _action_done,
        possibly before the picking's state says done) and the retry cron run
        as superuser, which no RPC call can: they are not checked.

        :param str action: 'send' or 'cancel', for the message
        """
        if self.env.su:
            return
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._(
                    "Only Inventory users may send deliveries to the carrier or "
                    "cancel their shipments (%(pickings)s).",
                    pickings=", ".join(self.mapped("name")),
                )
            )
        self.check_access("write")
        for picking in self:
            reason = False
            if picking.state != "done":
                reason = self.env._("it is not done yet")
            elif picking.picking_type_code == "incoming":
                reason = self.env._("it is a receipt")
            elif not picking.carrier_id:
                reason = self.env._("it has no shipping method")
            elif action == "cancel" and not (
                picking.carrier_tracking_ref or picking.carrier_shipment_id
            ):
                reason = self.env._("it has no shipment with the carrier")
            if not reason:
                continue
            if action == "cancel":
                message = self.env._(
                    "The shipment of delivery %(picking)s cannot be cancelled: "
                    "%(reason)s.",
                    picking=picking.name,
                    reason=reason,
                )
            else:
                message = self.env._(
                    "Delivery %(picking)s cannot be sent to the carrier: %(reason)s.",
                    picking=picking.name,
                    reason=reason,
                )
            raise UserError(message)

    def send_to_shipper(self):
        """Core's, once per shipment; returns True (core's returns None, which
        XML-RPC cannot send) or False when nothing was booked."""
        self.ensure_one()
        self._tracking_check_carrier_call("send")
        if not self.carrier_id._tracking_creates_shipment():
            res = super().send_to_shipper()
            return True if res is None else res
        self._tracking_lock()
        if self.shipment_state and self.shipment_state != "label_pending":
            return False  # already shipped: retries are no-ops
        self._tracking_check_shipping_data()
        if not self.env.context.get("tracking_keep_on_error"):
            super().send_to_shipper()
            self._tracking_shipment_created()
            return True
        try:
            with self.env.cr.savepoint():
                try:
                    super().send_to_shipper()
                # UserError: what providers raise for refusals and carrier
                # failures; OSError: transport failures they let through
                # (requests' errors are OSErrors), without importing requests
                except (UserError, OSError) as error:
                    # read before the savepoint rolls the write back
                    raise _ShipmentError(error, self.carrier_shipment_id) from error
        except _ShipmentError as failure:
            self._tracking_shipment_failed(failure.error, failure.carrier_shipment_id)
            return False
        self._tracking_shipment_created()
        return True

    def _tracking_shipment_created(self):
        self.ensure_one()
        self.write(
            {
                "shipment_state": self.shipment_state
                if self.shipment_state not in (False, "label_pending")
                else "label_created",
                "tracking_poll_failures": 0,
                "tracking_next_poll_at": fields.Datetime.now() + POLL_INTERVAL,
            }
        )

    def _tracking_shipment_failed(self, error, carrier_shipment_id=False):
        self.ensure_one()
        failures = self.tracking_poll_failures + 1
        vals = {
            "shipment_state": "label_pending",
            "tracking_poll_failures": failures,
            "tracking_next_poll_at": fields.Datetime.now() + tracking_backoff(failures),
        }
        if carrier_shipment_id:
            vals["carrier_shipment_id"] = carrier_shipment_id
        self.write(vals)
        self._tracking_warn_once(
            lambda env: env._("Shipping label pending"),
            str(error),
            message=self.env._(
                "The shipment could not be created with %(carrier)s; it will be "
                "retried automatically. Error: %(error)s",
                carrier=self.carrier_id.name,
                error=str(error),
            ),
        )

    def _tracking_warn_once(self, summary, error, message=None):
        """Post `message` (if any) and keep one open warning activity per
        subject, however often the delivery fails. Best effort: a delivery
        whose note cannot be made (e.g. a responsible without access) still
        backs off, so this never raises.

        :param summary: env -> the activity's summary, in the language of
            the user it is for (also how an open one is recognised)
        """
        self.ensure_one()
        user = self.user_id or self.env.user
        try:
            with self.env.cr.savepoint():
                if message:
                    self.message_post(body=message, message_type="notification")
                summary = summary(self.with_context(lang=user.lang).env)
                warning = self.env.ref("mail.mail_activity_data_warning")
                if not self.activity_ids.filtered(
                    lambda a: a.activity_type_id == warning and a.summary == summary
                ):
                    self.activity_schedule(
                        "mail.mail_activity_data_warning",
                        fields.Date.context_today(self),
                        summary=summary,
                        note=self._carrier_exception_note(error),
                        user_id=user.id,
                    )
        except Exception:  # logged with its traceback, see docstring
            _logger.exception("Delivery %s: failure not noted", self.name)

    def cancel_shipment(self):
        self._tracking_check_carrier_call("cancel")
        res = super().cancel_shipment()
        self.filtered("shipment_state").write(
            {"shipment_state": "cancelled", "carrier_shipment_id": False}
        )
        # core returns None, which XML-RPC cannot send
        return True if res is None else res

    # ------------------------------------------------------------------ #
    # Contract with providers: tracking number and events
    # ------------------------------------------------------------------ #

    def _tracking_set_number(self, tracking_number):
        """Set the tracking number given later (drop-off counter, carrier's
        webhook), tell the customer when the company wants it."""
        self.ensure_one()
        number = self._tracking_clean_number(tracking_number)
        if number == self.carrier_tracking_ref:
            return False
        self.carrier_tracking_ref = number
        if not self.shipment_state or self.shipment_state == "label_pending":
            self.shipment_state = "label_created"
        self.message_post(
            body=self.env._(
                "Tracking number set to %(number)s for carrier %(carrier)s.",
                number=number,
                carrier=self.carrier_id.name or "",
            )
        )
        if self.company_id.tracking_number_mail and self.state == "done":
            self._tracking_mail_customer(
                "stock.mail_template_data_delivery_confirmation"
            )
        return True

    def _tracking_set_price(self, price):
        """Record the price the carrier now charges for the shipment (e.g.
        after re-weighing), in the company's currency, with the carrier's
        margins as core applies them at shipping. Returns whether it changed."""
        self.ensure_one()
        if (
            isinstance(price, bool)
            or not isinstance(price, (int, float))
            or not math.isfinite(price)
            or price < 0
        ):
            raise ValidationError(
                self.env._(
                    "The carrier's price %(price)s for %(picking)s is not a "
                    "valid amount.",
                    price=repr(price)[:32],
                    picking=self.name,
                )
            )
        new_price = self.carrier_id.with_context(order=self.sale_id)._apply_margins(
            price
        )
        currency = self.company_id.currency_id
        if currency.compare_amounts(new_price, self.carrier_price) == 0:
            return False
        old_price = self.carrier_price
        # The picking only: the customer already paid the checkout price, so
        # the sale order's delivery line and the invoices keep it; the new
        # cost is the shop's to see (and to settle with the carrier).
        self.carrier_price = new_price
        self.message_post(
            body=self.env._(
                "Shipping cost updated by %(carrier)s: %(old)s → %(new)s.",
                carrier=self.carrier_id.name or "",
                old=format_amount(self.env, old_price, currency),
                new=format_amount(self.env, new_price, currency),
            )
        )
        return True

    def _tracking_apply_events(self, events):
        """Record carrier events (idempotent) and move the shipment state along
        the new ones, oldest first (shipment_state_after). An event dated
        more than MAX_CLOCK_SKEW ahead is recorded at its arrival time: it
        would otherwise outrank every real event to come. Returns the new
        event records."""
        self.ensure_one()
        Event = self.env["stock.picking.tracking.event"].sudo()
        self._tracking_lock()  # concurrent webhook + poll: one row per event
        recorded = self.tracking_event_ids
        existing = set(recorded.mapped("event_key"))
        now = fields.Datetime.now()
        vals_list = []
        for event in events:
            if event.get("shipment_state") not in CARRIER_STATES:
                raise ValidationError(
                    self.env._(
                        "Unknown shipment state %(state)r.",
                        state=event.get("shipment_state"),
                    )
                )
            if not event.get("event_time"):
                raise ValidationError(self.env._("A tracking event has no time."))
            # keyed on the carrier's own time: a resent event stays one event
            key = (event.get("event_key") or Event._default_event_key(event))[:128]
            if key in existing:
                continue
            existing.add(key)
            event_time = fields.Datetime.to_datetime(event["event_time"])
            if event_time > now + MAX_CLOCK_SKEW:
                _logger.info(
                    "Tracking event of %s dated %s, ahead of our clock: recorded at %s",
                    self.name,
                    event_time,
                    now,
                )
                event_time = now
            vals_list.append(
                {
                    "picking_id": self.id,
                    "event_time": event_time,
                    "shipment_state": event["shipment_state"],
                    "status_code": tracking_event_text(event.get("status_code"), 64),
                    "description": tracking_event_text(event.get("description"), 1024),
                    "location": tracking_event_text(event.get("location"), 256),
                    "event_key": key,
                }
            )
        new_events = self._tracking_create_events(vals_list)
        if not new_events:
            return new_events
        self.invalidate_recordset(["tracking_event_ids"])
        newest = max(recorded.mapped("event_time"), default=None)
        progress = max(
            (e for e in recorded.mapped("shipment_state") if e in SHIPMENT_PROGRESS),
            key=SHIPMENT_PROGRESS.index,
            default=False,
        )
        state = self.shipment_state
        for event in new_events.sorted(lambda e: (e.event_time, e.id)):
            stale = newest is not None and event.event_time < newest
            state = shipment_state_after(state, event.shipment_state, stale, progress)
            if event.shipment_state in SHIPMENT_PROGRESS:
                progress = max(
                    progress or event.shipment_state,
                    event.shipment_state,
                    key=SHIPMENT_PROGRESS.index,
                )
            newest = max(newest or event.event_time, event.event_time)
        if state != self.shipment_state:
            self.shipment_state = state
            if state == "delivered":
                self._tracking_notify_delivered()
        return new_events

    def _tracking_create_events(self, vals_list):
        """Insert the events; one a concurrent transaction recorded after ours
        began (a resent webhook racing its original) is skipped, as one seen
        before. Its row is invisible to our snapshot even once we hold the
        delivery's lock, so only the unique key tells."""
        Event = self.env["stock.picking.tracking.event"].sudo()
        try:
            with self.env.cr.savepoint():
                return Event.create(vals_list)
        except psycopg2.errors.UniqueViolation:
            if len(vals_list) == 1:
                return Event
        events = Event
        for vals in vals_list:
            events |= self._tracking_create_events([vals])
        return events

    def _tracking_notify_delivered(self):
        self.ensure_one()
        if not self.company_id.tracking_delivered_mail:
            return
        self._tracking_mail_customer(
            "delivery_carrier_tracking.mail_template_shipment_delivered"
        )

    def _tracking_mail_customer(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if template:
            self.with_context(force_send=True).message_post_with_source(
                template,
                **self._tracking_mail_author_values(),
                email_layout_xmlid="mail.mail_notification_light",
                subtype_xmlid="mail.mt_comment",
            )

    def _tracking_mail_author_values(self):
        """Who sends the customer mails: the user who acted (core's default),
        but the company when the news came from a carrier (webhook as the
        public user, cron) or from a user without an email address."""
        self.ensure_one()
        user = self.env.user
        if (user._is_public() or user._is_superuser() or not user.email) and (
            self.company_id.email
        ):
            return {"author_id": self.company_id.partner_id.id}
        return {}

    # ------------------------------------------------------------------ #
    # Public methods (buttons and XML-RPC): JSON-safe returns
    # ------------------------------------------------------------------ #

    def action_set_tracking_number(self, tracking_number):
        """Set the tracking number of one delivery (XML-RPC).

        :return: the shipment status, as get_shipment_status()
        """
        self.ensure_one()
        self.check_access("write")
        self._tracking_set_number(tracking_number)
        return self.get_shipment_status()

    def action_open_tracking_number_wizard(self):
        self.ensure_one()
        self.check_access("write")  # the wizard writes the number
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Set Tracking Number"),
            "res_model": "stock.picking.tracking.number",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def get_shipment_status(self):
        """Shipment status and events of one delivery (XML-RPC).

        :return: dict with picking_id, name, carrier, tracking_number,
            tracking_links ([[number, url]]), shipment_state (key or ''),
            shipment_state_label, carrier_shipment_id and events (newest
            first, see stock.picking.tracking.event._to_json)
        """
        self.ensure_one()
        self.check_access("read")
        picking = self.sudo()
        labels = dict(self._fields["shipment_state"]._description_selection(self.env))
        return {
            "picking_id": picking.id,
            "name": picking.name,
            "carrier": picking.carrier_id.name or "",
            "tracking_number": picking.carrier_tracking_ref or "",
            "tracking_links": [list(link) for link in picking._tracking_links()],
            "shipment_state": picking.shipment_state or "",
            "shipment_state_label": labels.get(picking.shipment_state, ""),
            "carrier_shipment_id": picking.carrier_shipment_id or "",
            "events": picking.tracking_event_ids._to_json(),
        }

    def _tracking_parcels(self):
        """What goes on the labels: one parcel per package (plus the unpacked
        rest), or one for the whole delivery when nothing is packed."""
        self.ensure_one()
        packages = self.move_line_ids.result_package_id.sorted("id")
        parcels = [(pkg.name, pkg.shipping_weight or pkg.weight) for pkg in packages]
        if not parcels:
            parcels.append((False, self.shipping_weight or self.weight))
        elif self.weight_bulk:
            parcels.append((False, self.weight_bulk))
        numbers = [n.strip() for n in (self.carrier_tracking_ref or "").split(",")]
        count = len(parcels)
        return [
            {
                "index": index,
                "count": count,
                "package": name or "",
                "weight": weight,
                "number": numbers[index - 1]
                if len(numbers) == count
                else (self.carrier_tracking_ref or ""),
            }
            for index, (name, weight) in enumerate(parcels, start=1)
        ]

    def _tracking_links(self):
        """[(number, url)] for each package's tracking number.

        Read from core's carrier_tracking_url, i.e. the provider's
        <delivery_type>_get_tracking_link: one URL, or core's JSON list of
        [number, url]. Links a provider got from elsewhere (a carrier API) are
        kept only when they are http(s), so nothing else reaches a page or mail.
        """
        self.ensure_one()
        value = self.carrier_tracking_ref and self.carrier_tracking_url
        if not value:
            return []
        try:
            links = json.loads(value)
        except ValueError:
            links = [(self.carrier_tracking_ref, value)]
        if not isinstance(links, list):
            return []
        return [
            (str(number), url)
            for number, url in links
            if isinstance(url, str)
            and urlsplit(url).scheme in ("http", "https")
            and urlsplit(url).netloc
        ]

    # ------------------------------------------------------------------ #
    # Scheduler: retry pending labels, poll active shipments
    # ------------------------------------------------------------------ #

    @api.model
    def _tracking_due_condition(self, states, carrier_ids=None):
        """SQL condition of the done deliveries in `states` that are due,
        of these carriers (None: of any carrier)."""
        carriers = (
            SQL("carrier_id IS NOT NULL")
            if carrier_ids is None
            else SQL("carrier_id IN %s", tuple(carrier_ids) or (None,))
        )
        return SQL(
            """shipment_state IN %s AND state = 'done' AND %s
               AND (tracking_next_poll_at IS NULL OR tracking_next_poll_at <= %s)""",
            tuple(states),
            carriers,
            fields.Datetime.now(),
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
            chunk
            for carrier, pickings in active.grouped("carrier_id").items()
            for chunk in split_every(carrier._tracking_poll_batch_size(), pickings.ids)
        ]
        for chunk in chunks:
            if time.monotonic() >= deadline:
                break
            pickings = self._tracking_take(chunk, ACTIVE_SHIPMENT_STATES)
            if pickings:
                pickings._tracking_poll()
                done += len(pickings)
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
            failures = dict.fromkeys(self.ids, str(error))
        now = fields.Datetime.now()
        for picking in self:
            if picking.id not in failures:
                picking.write(
                    {
                        "tracking_poll_failures": 0,
                        "tracking_next_poll_at": now + POLL_INTERVAL,
                    }
                )
                continue
            count = picking.tracking_poll_failures + 1
            picking.write(
                {
                    "tracking_poll_failures": count,
                    "tracking_next_poll_at": now + tracking_backoff(count),
                }
            )
            _logger.info(
                "Tracking update of %s failed (%s): %s",
                picking.name,
                count,
                failures[picking.id],
            )
            if count >= POLL_FAILURES_WARN:
                picking._tracking_warn_once(
                    lambda env: env._("Tracking updates failing"),
                    str(failures[picking.id]),
                )
