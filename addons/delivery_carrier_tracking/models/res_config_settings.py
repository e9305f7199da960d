from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    tracking_number_mail = fields.Boolean(
        related="company_id.tracking_number_mail", readonly=False
    )
    tracking_delivered_mail = fields.Boolean(
        related="company_id.tracking_delivered_mail", readonly=False
    )
