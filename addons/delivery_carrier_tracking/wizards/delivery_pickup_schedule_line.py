from odoo import api, fields, models
from odoo.exceptions import UserError


class DeliveryPickupScheduleLine(models.TransientModel):
    """One pickup to schedule: a carrier's deliveries leaving one warehouse,
    the windows the carrier offers for them and the chosen one."""

    _name = "delivery.pickup.schedule.line"
    _description = "Courier Pickup to Schedule"

    wizard_id = fields.Many2one(
        "delivery.pickup.schedule", required=True, ondelete="cascade"
    )
    carrier_id = fields.Many2one("delivery.carrier", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    picking_ids = fields.Many2many("stock.picking", string="Deliveries", readonly=True)
    picking_count = fields.Integer("Delivery Count", compute="_compute_picking_count")
    window_ids = fields.One2many(
        "delivery.pickup.schedule.window", "line_id", "Offered Windows"
    )
    window_id = fields.Many2one(
        "delivery.pickup.schedule.window",
        compute="_compute_window_id",
        store=True,
        readonly=False,
        domain="[('line_id', '=', id)]",
    )

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for line in self:
            line.picking_count = len(line.picking_ids)

    @api.depends("window_ids")
    def _compute_window_id(self):
        """The earliest window the carrier offers."""
        for line in self:
            if line.window_id not in line.window_ids:
                line.window_id = line.window_ids[:1]

    def _checked_window(self):
        self.ensure_one()
        if self.window_id not in self.window_ids:
            raise UserError(
                self.env._(
                    "Choose one of the windows %(carrier)s offers.",
                    carrier=self.carrier_id.name,
                )
            )
        return self.window_id
