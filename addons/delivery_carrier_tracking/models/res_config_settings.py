from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    tracking_number_mail = fields.Boolean(
        related="company_id.tracking_number_mail", readonly=False
    )
    tracking_delivered_mail = fields.Boolean(
        related="company_id.tracking_delivered_mail", readonly=False
    )
    tracking_watch_label_hours = fields.Integer(
        related="company_id.tracking_watch_label_hours", readonly=False
    )
    tracking_watch_days = fields.Integer(
        related="company_id.tracking_watch_days", readonly=False
    )
    tracking_watch_user_id = fields.Many2one(
        related="company_id.tracking_watch_user_id", readonly=False
    )
