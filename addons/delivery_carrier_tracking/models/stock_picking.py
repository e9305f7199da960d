import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..shipment_rules import (
    POLL_INTERVAL,
    SHIPMENT_STATES,
    TRACKING_NUMBER_MAX,
    TRACKING_NUMBER_RE,
    delivery_shipment_state,
    split_tracking_numbers,
    tracking_backoff,
)
from .stock_picking_parcel import SYNCING

_logger = logging.getLogger(__name__)


class _ShipmentError(Exception):
    """Carries the carrier's shipment id out of a rolled-back savepoint."""

    def __init__(self, error, carrier_shipment_id):
        super().__init__(str(error))
        self.error = error
        self.carrier_shipment_id = carrier_shipment_id


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = (
        "stock.picking",
        "stock.picking.shipment.scheduler",
        "stock.picking.shipment.tracking",
    )

    parcel_ids = fields.One2many(
        "stock.picking.parcel", "picking_id", "Parcels", copy=False
    )
    shipment_state = fields.Selection(
        SHIPMENT_STATES,
        compute="_compute_shipment_state",
        inverse="_inverse_shipment_state",
        store=True,
        tracking=True,
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
        service per delivery (Biteship) override it."""
        self.ensure_one()
        return self.carrier_id.name or "", ""

    def _tracking_ensure_parcels(self):
        """Make the parcels of deliveries that have none yet."""
        self.env["stock.picking.parcel"]._ensure_pickings(self)

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
        vals = {
            "tracking_poll_failures": 0,
            "tracking_next_poll_at": fields.Datetime.now() + POLL_INTERVAL,
        }
        # only from no state: a state written on the delivery is all parcels'
        if self.shipment_state in (False, "label_pending"):
            vals["shipment_state"] = "label_created"
        self.write(vals)

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
