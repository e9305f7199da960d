from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fulfilment_auto_invoice = fields.Boolean(
        related="company_id.fulfilment_auto_invoice", readonly=False
    )
    fulfilment_invoice_on_delivery = fields.Boolean(
        related="company_id.fulfilment_invoice_on_delivery", readonly=False
    )
    fulfilment_send_invoice = fields.Boolean(
        related="company_id.fulfilment_send_invoice", readonly=False
    )
    fulfilment_auto_validate_delivery = fields.Boolean(
        related="website_id.fulfilment_auto_validate_delivery", readonly=False
    )
