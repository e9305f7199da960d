from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    return_window_days = fields.Integer(
        related="website_id.return_window_days", readonly=False
    )
    return_auto_approve_amount = fields.Monetary(
        related="website_id.return_auto_approve_amount", readonly=False
    )
    return_refund_on = fields.Selection(
        related="website_id.return_refund_on", readonly=False
    )
    return_refund_shipping = fields.Selection(
        related="website_id.return_refund_shipping", readonly=False
    )
    return_refund_user_id = fields.Many2one(
        related="website_id.return_refund_user_id", readonly=False
    )
