from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    freight_threshold_amount = fields.Monetary(
        related="company_id.freight_threshold_amount",
        currency_field="currency_id",
        readonly=False,
    )
    freight_threshold_percent = fields.Float(
        related="company_id.freight_threshold_percent", readonly=False
    )
    freight_cost_posting = fields.Selection(
        related="company_id.freight_cost_posting", readonly=False
    )
    freight_journal_id = fields.Many2one(
        related="company_id.freight_journal_id", readonly=False
    )
    freight_accrual_account_id = fields.Many2one(
        related="company_id.freight_accrual_account_id", readonly=False
    )
    freight_rebill_invoiced = fields.Boolean(
        related="company_id.freight_rebill_invoiced", readonly=False
    )
