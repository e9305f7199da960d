from odoo import api, fields, models
from odoo.tools.misc import format_datetime


class DeliveryPickupScheduleWindow(models.TransientModel):
    """A pickup window a carrier offers (delivery.carrier._pickup_windows)."""

    _name = "delivery.pickup.schedule.window"
    _description = "Offered Pickup Window"
    _order = "start"

    line_id = fields.Many2one(
        "delivery.pickup.schedule.line", required=True, ondelete="cascade"
    )
    name = fields.Char(compute="_compute_name")
    label = fields.Char()
    start = fields.Datetime(required=True)
    end = fields.Datetime(required=True)
    reference = fields.Char()

    @api.depends("label", "start", "end")
    def _compute_name(self):
        for window in self:
            tz = window.line_id.carrier_id._pickup_tz(window.line_id.picking_ids)
            times = "{} - {}".format(
                format_datetime(
                    self.env, window.start, tz=tz, dt_format="EEE d MMM HH:mm"
                ),
                format_datetime(self.env, window.end, tz=tz, dt_format="HH:mm"),
            )
            window.name = f"{window.label}: {times}" if window.label else times
