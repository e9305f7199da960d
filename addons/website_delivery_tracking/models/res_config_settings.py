from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    tracking_mail_shipped = fields.Boolean(
        related="website_id.tracking_mail_shipped", readonly=False
    )
    tracking_mail_out_for_delivery = fields.Boolean(
        related="website_id.tracking_mail_out_for_delivery", readonly=False
    )
    tracking_mail_problem = fields.Boolean(
        related="website_id.tracking_mail_problem", readonly=False
    )
    tracking_mail_delivered = fields.Boolean(
        related="website_id.tracking_mail_delivered", readonly=False
    )
    tracking_link_days = fields.Integer(
        related="website_id.tracking_link_days", readonly=False
    )
