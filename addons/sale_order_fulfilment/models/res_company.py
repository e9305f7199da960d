from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fulfilment_auto_invoice = fields.Boolean(
        string="Invoice Paid Orders",
        help="When an online payment of an order is confirmed (and in the scheduled "
        "batch), invoice its invoiceable lines, post the invoice and reconcile it "
        "with the payments of the order.",
    )
    fulfilment_invoice_on_delivery = fields.Boolean(
        string="Invoice on Delivery",
        help="When the delivery of a paid order is validated, invoice the delivered "
        "quantities of products invoiced on delivery at once.",
    )
    fulfilment_send_invoice = fields.Boolean(
        string="Email Invoices",
        help="Send the invoices created by the fulfilment automation to the customer.",
    )
