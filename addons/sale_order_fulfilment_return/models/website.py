from odoo import fields, models


class Website(models.Model):
    _inherit = "website"

    return_window_days = fields.Integer(
        string="Return Window (days)",
        default=14,
        help="Customers may ask for a return this many days after the delivery "
        "of their order. 0: no returns from the website.",
    )
    return_auto_approve_amount = fields.Monetary(
        string="Auto-Approve Returns Up To",
        currency_field="currency_id",
        help="Returns whose reasons all allow it are approved at once up to this "
        "amount (taxes included). 0: a salesperson approves every return.",
    )
    return_refund_on = fields.Selection(
        [("receipt", "When the goods are received"), ("approval", "At approval")],
        string="Refund Returns",
        default="receipt",
        required=True,
    )
    return_refund_shipping = fields.Selection(
        [("never", "Never"), ("full", "When the whole order is returned")],
        string="Refund Shipping",
        default="never",
        required=True,
    )
    return_refund_user_id = fields.Many2one(
        "res.users",
        string="Refunds By",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("account.group_account_invoice").ids)
        ],
        help="Who pays refunds back by bank transfer (activity), when the "
        "payment provider cannot refund. Default: the order's salesperson.",
    )
