import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..shipment_rules import SHIPMENT_PROGRESS

_logger = logging.getLogger(__name__)

PICKUP_STATES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("picked_up", "Picked Up"),
    ("cancelled", "Cancelled"),
]


class DeliveryPickup(models.Model):
    """One courier pickup: the deliveries of one carrier leaving one warehouse
    in one window, booked with the carrier in one call, handed over with the
    manifest the driver signs."""

    _name = "delivery.pickup"
    _description = "Courier Pickup"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "window_start desc, id desc"

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    carrier_id = fields.Many2one(
        "delivery.carrier", required=True, readonly=True, index=True
    )
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    window_start = fields.Datetime(required=True, readonly=True)
    window_end = fields.Datetime(required=True, readonly=True)
    window_reference = fields.Char(
        readonly=True,
        copy=False,
        help="The carrier's own id of the chosen window, if it has one.",
    )
    state = fields.Selection(
        PICKUP_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    provider_reference = fields.Char(
        "Carrier Pickup Reference", readonly=True, copy=False, tracking=True
    )
    picking_ids = fields.One2many(
        "stock.picking", "pickup_id", "Deliveries", readonly=True
    )
    picking_count = fields.Integer("Delivery Count", compute="_compute_picking_count")

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for pickup in self:
            pickup.picking_count = len(pickup.picking_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("delivery.pickup") or "/"
                )
        return super().create(vals_list)

    def _pickup_window(self):
        self.ensure_one()
        return {
            "start": self.window_start,
            "end": self.window_end,
            "reference": self.window_reference or False,
        }

    def action_schedule(self):
        """Book the pickups still in draft with their carriers: one call per
        pickup, never a second one (a pickup already scheduled, also by a
        concurrent click, is left alone). A carrier's refusal is raised: the
        pickup stays a draft."""
        self._pickup_lock()
        for pickup in self.filtered(lambda p: p.state == "draft"):
            pickup.picking_ids._pickup_check_ready(pickup)
            reference = pickup.carrier_id._pickup_schedule(
                pickup.picking_ids, pickup._pickup_window()
            )
            pickup.write({"state": "scheduled", "provider_reference": reference})
        return True

    def _pickup_schedule_each(self):
        """action_schedule per pickup (wizard, several carriers): a carrier's
        refusal stays on that pickup's chatter and an activity, the others
        are booked."""
        for pickup in self:
            try:
                with self.env.cr.savepoint():
                    pickup.action_schedule()
            # what providers raise for refusals, and transport failures
            # (requests' errors are OSErrors); a database error is not theirs
            except (UserError, OSError) as error:
                _logger.info("Pickup %s not scheduled: %s", pickup.name, error)
                pickup.message_post(
                    body=self.env._(
                        "The carrier did not schedule the pickup: %(error)s",
                        error=str(error),
                    )
                )
                pickup.activity_schedule(
                    "mail.mail_activity_data_warning",
                    summary=self.env._("Pickup not scheduled"),
                    note=str(error),
                    user_id=self.env.user.id,
                )

    def action_mark_picked_up(self):
        """The driver took the parcels (the manifest is signed)."""
        for pickup in self:
            if pickup.state != "scheduled":
                raise UserError(
                    self.env._(
                        "Only a scheduled pickup can be picked up: %(pickup)s "
                        "is %(state)s.",
                        pickup=pickup.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[pickup.state],
                    )
                )
        self.write({"state": "picked_up"})
        return True

    def _pickup_collected_check(self):
        """A scheduled pickup whose deliveries the carrier all reports picked
        up (or further on their way) is picked up: the courier came."""
        collected = SHIPMENT_PROGRESS[SHIPMENT_PROGRESS.index("picked_up") :]
        for pickup in self.filtered(lambda p: p.state == "scheduled"):
            if pickup.picking_ids and all(
                picking.shipment_state in collected for picking in pickup.picking_ids
            ):
                pickup.state = "picked_up"

    def action_cancel(self):
        """Cancel with the carrier (if it has the call); the deliveries may
        then go into another pickup."""
        self._pickup_lock()
        for pickup in self:
            if pickup.state == "picked_up":
                raise UserError(
                    self.env._(
                        "%(pickup)s was already picked up: it cannot be cancelled.",
                        pickup=pickup.name,
                    )
                )
            if pickup.state == "scheduled":
                pickup.carrier_id._pickup_cancel(pickup)
        self.write({"state": "cancelled"})
        return True

    def _pickup_lock(self):
        """Lock the rows and read their state again: two clicks at once book
        one pickup."""
        if not self.ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM delivery_pickup WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state"])

    def _handover_lines(self):
        """The manifest's rows, one per delivery: name, order, customer,
        tracking numbers, parcels, cash to collect (with its currency). A
        warehouse user prints it without sales rights: the amount comes
        from the order through _get_cod_amount_to_collect."""
        self.ensure_one()
        lines = []
        for picking in self.picking_ids.sorted("name"):
            numbers = picking._tracking_numbers()
            lines.append(
                {
                    "picking": picking.name,
                    "order": picking.origin or "",
                    "customer": picking.partner_id.display_name or "",
                    "tracking": ", ".join(numbers),
                    "parcels": len(picking.parcel_ids) or len(numbers) or 1,
                    "cod_amount": picking._get_cod_amount_to_collect(),
                    "currency": picking.sudo().sale_id.currency_id
                    or picking.company_id.currency_id,
                }
            )
        return lines
