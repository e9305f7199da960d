import logging
import math

import psycopg2.errors
from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount

from ..shipment_rules import (
    CARRIER_STATES,
    MAX_CLOCK_SKEW,
    is_web_url,
    tracking_event_text,
)

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    """The contract with providers (numbers, prices, events), customer mails
    and the public methods (buttons, XML-RPC)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _tracking_set_number(self, tracking_number, parcels=None):
        """Set the tracking number given later (drop-off counter, carrier's
        webhook), tell the customer when the company wants it. Comma-separated
        numbers are one per parcel. With `parcels` (some of this delivery's):
        only they get the number (a carrier renumbering one package)."""
        self.ensure_one()
        number = self._tracking_clean_number(tracking_number)
        if parcels and parcels != self.parcel_ids:
            if set(parcels.mapped("tracking_number")) == {number}:
                return False
            parcels.write({"tracking_number": number})  # the parcel checks it
        else:
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
        # a waybill typed after a drop-off is the booking of carriers
        # without an API
        self._tracking_stamp_courier_service()
        if self.carrier_id:
            self.carrier_id._tracking_number_set(self)
        return True

    def _tracking_label_when_numbered(self):
        """The label of deliveries whose number came after their booking (an
        aggregator's waybill): printed once, from the poll rather than inside
        a carrier's webhook call; a failure is noted on the delivery and the
        tracking goes on."""
        for picking in self.filtered(
            lambda p: p.carrier_tracking_ref and not p.tracking_label_ids
        ):
            try:
                with self.env.cr.savepoint():
                    picking.carrier_id._tracking_attach_labels(picking)
            except UserError as error:
                picking.message_post(
                    body=self.env._("The shipping label could not be made: %s", error)
                )

    def _tracking_set_price(self, price, details=None):  # pylint: disable=unused-argument
        """Record the price the carrier now charges for the shipment (e.g.
        after re-weighing), in the company's currency, with the carrier's
        margins as core applies them at shipping. Returns whether it changed.
        `details`: the carrier's breakdown of that price (the contract's
        ``price_details``), for extensions that audit freight costs."""
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

    def _tracking_apply_events(self, events, parcels=None):
        """Record carrier events (idempotent) and move the parcels' states
        along the new ones, oldest first (stock.picking.parcel
        _apply_new_events); the delivery's state follows from its parcels.
        `parcels`: those of this delivery the events are about (a webhook for
        one tracking number), else all. An event dated more than
        MAX_CLOCK_SKEW ahead is recorded at its arrival time: it would
        otherwise outrank every real event to come. An event without
        shipment state is a carrier status the provider cannot map (its
        status_code required): recorded and shown, the states unchanged, and
        someone asked to map it (_tracking_note_unmapped). Returns the new
        event records."""
        self.ensure_one()
        Event = self.env["stock.picking.tracking.event"].sudo()
        self._tracking_lock()  # concurrent webhook + poll: one row per event
        self._tracking_ensure_parcels()
        all_parcels = self.sudo().parcel_ids
        parcels = (parcels or all_parcels).sudo()
        # Events about some parcels only are keyed with their number: two
        # parcels reporting the same status at the same time are two events.
        scope = (
            f"{parcels[:1].tracking_number}:"
            if parcels != all_parcels and parcels[:1].tracking_number
            else ""
        )
        # the fields read below, in one query (not the ids, then the rows)
        recorded = Event.search_fetch(
            [("picking_id", "=", self.id)],
            ["event_key", "event_time", "shipment_state", "parcel_id"],
        )
        existing = set(recorded.mapped("event_key"))
        now = fields.Datetime.now()
        vals_list = []
        for event in events:
            state = event.get("shipment_state") or False
            status = tracking_event_text(event.get("status_code"), 64)
            if state not in CARRIER_STATES and (state or not status):
                raise ValidationError(
                    self.env._(
                        "Unknown shipment state %(state)r.",
                        state=event.get("shipment_state"),
                    )
                )
            if not event.get("event_time"):
                raise ValidationError(self.env._("A tracking event has no time."))
            # keyed on the carrier's own time: a resent event stays one event
            key = (scope + (event.get("event_key") or Event._default_event_key(event)))[
                :128
            ]
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
                    "parcel_id": parcels.id if len(parcels) == 1 else False,
                    "event_time": event_time,
                    "shipment_state": state,
                    "status_code": status,
                    "description": tracking_event_text(event.get("description"), 1024),
                    "location": tracking_event_text(event.get("location"), 256),
                    "event_key": key,
                }
            )
        new_events = self._tracking_create_events(vals_list)
        if not new_events:
            return new_events
        self.invalidate_recordset(["tracking_event_ids"])
        before = self.shipment_state
        parcels._apply_new_events(new_events, recorded)
        if self.shipment_state != before and self.shipment_state == "delivered":
            self._tracking_notify_delivered()
        self._tracking_note_unmapped(new_events)
        return new_events

    def _tracking_note_unmapped(self, new_events):
        """New events of carrier statuses no provider table maps: a note on
        the delivery, and one activity per carrier and status, on the first
        delivery it reached (the carrier's older events tell), to map it."""
        self.ensure_one()
        Event = self.env["stock.picking.tracking.event"].sudo()
        carrier = self.carrier_id
        for status in dict.fromkeys(
            new_events.filtered(lambda e: not e.shipment_state).mapped("status_code")
        ):
            text = self.env._(
                "%(carrier)s reported the status %(status)s, which Odoo does not "
                "map to a shipment state: the event is recorded and the "
                "shipment's state left as it was. Have it added to the status "
                "table of the carrier's connector.",
                carrier=carrier.name or "",
                status=status,
            )
            self.message_post(body=text, message_type="notification")
            seen_before = Event.search_count(
                [
                    ("carrier_id", "=", carrier.id),
                    ("status_code", "=", status),
                    ("shipment_state", "=", False),
                    ("id", "not in", new_events.ids),
                ],
                limit=1,
            )
            if not seen_before:
                # Two deliveries meeting the same new status at once see none
                # of each other's events: both update the carrier's row, so
                # the later fails to serialize, is retried and then sees it.
                self.env.cr.execute(
                    SQL(
                        "UPDATE delivery_carrier SET write_date = write_date "
                        "WHERE id = %s",
                        carrier.id,
                    )
                )
                self._tracking_warn_once(
                    lambda env, status=status: env._(
                        "Map carrier status %(status)s", status=status
                    ),
                    text,
                    user=self._watch_activity_user(),
                )

    def _tracking_create_events(self, vals_list):
        """Insert the events; one a concurrent transaction recorded after ours
        began (a resent webhook racing its original) is skipped, as one seen
        before. Its row is invisible to our snapshot even once we hold the
        delivery's lock, so only the unique key tells."""
        Event = self.env["stock.picking.tracking.event"].sudo()
        if not vals_list:  # a resent webhook: no savepoint for nothing
            return Event
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
        # A return parcel is the customer's own sending: the mails about a
        # parcel coming to them (number, shipped, delivered) are not for it.
        if self._tracking_is_return():
            return
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
            shipment_state_label, carrier_shipment_id, parcels (see
            stock.picking.parcel._to_json) and events (newest first, see
            stock.picking.tracking.event._to_json)
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
            "parcels": picking.parcel_ids._to_json(),
            "events": picking.tracking_event_ids._to_json(),
        }

    def _tracking_links(self):
        """[(number, url)] of the delivery's tracking numbers.

        Read through core's get_multiple_carrier_tracking (the JSON list of
        [number, url] in carrier_tracking_url, i.e. the provider's
        <delivery_type>_get_tracking_link), else its one URL. Links a
        provider got from elsewhere (a carrier API) are kept only when they
        are http(s), so nothing else reaches a page or mail.
        """
        self.ensure_one()
        if not (self.carrier_tracking_ref and self.carrier_tracking_url):
            return []
        links = self.get_multiple_carrier_tracking()
        if links is False:  # not JSON: one link for the delivery
            links = [(self.carrier_tracking_ref, self.carrier_tracking_url)]
        if not isinstance(links, list):
            return []
        return [(str(number), url) for number, url in links if is_web_url(url)]
