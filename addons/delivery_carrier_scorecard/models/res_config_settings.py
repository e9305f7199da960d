from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    scorecard_min_deliveries = fields.Integer(
        related="company_id.scorecard_min_deliveries", readonly=False
    )
    scorecard_days = fields.Integer(related="company_id.scorecard_days", readonly=False)
