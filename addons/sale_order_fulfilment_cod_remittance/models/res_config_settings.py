from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cod_fee_account_id = fields.Many2one(
        related="company_id.cod_fee_account_id", readonly=False
    )
    cod_shipping_fee_account_id = fields.Many2one(
        related="company_id.cod_shipping_fee_account_id", readonly=False
    )
    cod_overdue_grace_days = fields.Integer(
        related="company_id.cod_overdue_grace_days", readonly=False
    )
