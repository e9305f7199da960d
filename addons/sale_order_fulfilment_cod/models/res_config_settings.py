from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cod_journal_id = fields.Many2one(
        related="company_id.cod_journal_id", readonly=False
    )
    cod_receivable_account_id = fields.Many2one(
        related="company_id.cod_receivable_account_id", readonly=False
    )
    cod_invoice_policy = fields.Selection(
        related="company_id.cod_invoice_policy", readonly=False
    )
    cod_refund_failed = fields.Boolean(
        related="company_id.cod_refund_failed", readonly=False
    )
