from odoo import fields, models


class StockPickingTrackingNumber(models.TransientModel):
    _name = "stock.picking.tracking.number"
    _description = "Set the Tracking Number of a Delivery"

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True)
    tracking_number = fields.Char(
        required=True,
        help="Several packages: separate the numbers with commas.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.picking_id._tracking_set_number(self.tracking_number)
        return {"type": "ir.actions.act_window_close"}
