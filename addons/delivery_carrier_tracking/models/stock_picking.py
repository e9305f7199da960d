import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..shipment_rules import (
    SHIPMENT_STATES,
    TRACKING_NUMBER_MAX,
    TRACKING_NUMBER_RE,
    delivery_shipment_state,
    split_tracking_numbers,
)
from .stock_picking_parcel import SYNCING

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    """Deliveries' shipment fields and state, their parcels and tracking
    numbers. The other concerns extend stock.picking in their own files:
    stock_picking_booking (shipment at validation), stock_picking_tracking
    (numbers, prices, events, mails, XML-RPC), stock_picking_scheduler (the
    cron), stock_picking_watch (shipments needing a person)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    parcel_ids = fields.One2many(
        "stock.picking.parcel", "picking_id", "Parcels", copy=False
    )
    # Not tracked in the chatter: its history is the carrier events (time,
    # status, place) on the delivery; a tracking message on each state was
    # a mail message, a tracking value and their reads on each webhook.
    shipment_state = fields.Selection(
        SHIPMENT_STATES,
        compute="_compute_shipment_state",
        inverse="_inverse_shipment_state",
        store=True,
        index=True,
        copy=False,
        readonly=True,
        help="Derived from the parcels' states (see delivery_shipment_state): "
        "the least advanced parcel on its way, exception if any is, delivered "
        "once all are.",
    )
    carrier_shipment_id = fields.Char(
        "Carrier Shipment ID",
        copy=False,
        index=True,
        readonly=True,
        help="The carrier's own id of the shipment: once set, a retry never "
        "creates a second shipment with the carrier.",
    )
    shipment_courier = fields.Char(
        "Courier",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The courier the shipment was booked with, stamped once at "
        "booking: the delivery method for a method that is one courier "
        "service, the courier company for an aggregator's booking.",
    )
    shipment_service = fields.Char(
        "Courier Service",
        copy=False,
        readonly=True,
        help="The courier's service the shipment was booked with (empty for "
        "a method that is one courier service), stamped once at booking.",
    )
    tracking_event_ids = fields.One2many(
        "stock.picking.tracking.event", "picking_id", "Tracking Events", readonly=True
    )
    tracking_next_poll_at = fields.Datetime(
        "Next Tracking Update", copy=False, readonly=True, index=True
    )
    tracking_last_news_at = fields.Datetime(
        "Last Carrier News",
        copy=False,
        readonly=True,
        help="When the carrier last told about this shipment (webhook or poll).",
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

    @api.depends("parcel_ids.shipment_state")
    def _compute_shipment_state(self):
        for picking in self:
            picking.shipment_state = delivery_shipment_state(
                picking.parcel_ids.mapped("shipment_state")
            )

    def _inverse_shipment_state(self):
        """A state set on the delivery (label pending, label created,
        cancelled) is the state of all its parcels: booking and cancelling
        are per delivery."""
        Parcel = self.env["stock.picking.parcel"].sudo()
        for picking in self:
            parcels = picking.sudo().parcel_ids
            if not parcels and picking.shipment_state:
                Parcel.with_context(**{SYNCING: True}).create(
                    Parcel._vals_for_packages(picking)
                )
            else:
                parcels.write({"shipment_state": picking.shipment_state})

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        if not self.env.context.get(SYNCING):
            pickings.filtered("carrier_tracking_ref")._tracking_parcels_from_ref()
        return pickings

    def write(self, vals):
        res = super().write(vals)
        if "carrier_tracking_ref" in vals and not self.env.context.get(SYNCING):
            self._tracking_parcels_from_ref()
        return res

    def _tracking_parcels_from_ref(self):
        """carrier_tracking_ref was set (core's send_to_shipper, a provider,
        the form, the wizard, XML-RPC, another module): parcels follow."""
        self.env["stock.picking.parcel"]._sync_pickings(self)

    def _tracking_ref_from_parcels(self):
        """Parcels' numbers changed: carrier_tracking_ref becomes their
        comma-joined numbers (once each, in parcel order)."""
        if self.env.context.get(SYNCING):
            return
        for picking in self:
            numbers = picking._tracking_numbers()
            if numbers != split_tracking_numbers(picking.carrier_tracking_ref):
                picking.with_context(**{SYNCING: True}).carrier_tracking_ref = (
                    ",".join(numbers) or False
                )

    def _tracking_numbers(self):
        """The delivery's tracking numbers, once each in parcel order (those
        of carrier_tracking_ref while it has no parcel yet)."""
        self.ensure_one()
        parcels = self.sudo().parcel_ids
        if not parcels:
            return list(
                dict.fromkeys(split_tracking_numbers(self.carrier_tracking_ref))
            )
        return list(
            dict.fromkeys(parcels.filtered("tracking_number").mapped("tracking_number"))
        )

    def _get_cod_amount_to_collect(self):
        """Cash the courier collects from the recipient for this delivery, in
        the currency of its sale order (0.0: nothing to collect). Labels and
        carrier bookings show it; cash-on-delivery modules extend it."""
        self.ensure_one()
        return 0.0

    def _get_label_courier_service(self):
        """(courier, service) printed on labels: here the delivery method's
        name and no service; aggregators that book a courier company and
        service per delivery override it."""
        self.ensure_one()
        return self.carrier_id.name or "", ""

    def _tracking_ensure_parcels(self):
        """Make the parcels of deliveries that have none yet."""
        self.env["stock.picking.parcel"]._ensure_pickings(self)

    def _compute_tracking_label_ids(self):
        """The labels of the picking's parcels: its shipping labels, or for a
        return parcel its return labels (core's prefixes)."""
        labels = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "stock.picking"),
                ("res_id", "in", self.ids),
                "|",
                ("name", "=like", "LabelShipping-%"),
                ("name", "=like", "LabelReturn-%"),
            ],
            order="id",
        )
        for picking in self:
            prefix = (
                "LabelReturn-" if picking._tracking_is_return() else "LabelShipping-"
            )
            picking.tracking_label_ids = labels.filtered(
                lambda a, p=picking, prefix=prefix: (
                    a.res_id == p.id and a.name.startswith(prefix)
                )
            )

    @api.model
    def _tracking_clean_number(self, tracking_number):
        """Strip and validate a tracking number, or comma-separated numbers
        (one per package). Raises a ValidationError naming what is wrong."""
        # str(): a carrier may send a waybill as a JSON number
        numbers = split_tracking_numbers(str(tracking_number or ""))
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
    # Shared by the concerns: row lock, failure notes
    # ------------------------------------------------------------------ #

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

    def _tracking_warn_once(self, summary, error, message=None, user=None):
        """Post `message` (if any) and keep one open warning activity per
        subject, however often the delivery fails. Best effort: a delivery
        whose note cannot be made (e.g. a responsible without access) still
        backs off, so this never raises.

        :param summary: env -> the activity's summary, in the language of
            the user it is for (also how an open one is recognised)
        :param user: who the activity is for (default: the delivery's
            responsible, else the current user)
        """
        self.ensure_one()
        user = user or self.user_id or self.env.user
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
