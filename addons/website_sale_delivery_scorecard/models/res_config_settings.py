from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    scorecard_badges = fields.Boolean(
        related="website_id.scorecard_badges", readonly=False
    )
