from odoo import api, fields, models

from ..remittance_plan import Money, line_state


class CodRemittanceLine(models.Model):
    """What one payout says of one order: the cash remitted for it and the
    fees deducted. (payout reference, order) is unique per company: the key
    that makes a second import of the same payout change nothing."""

    _name = "cod.remittance.line"
    _description = "COD Payout Line"
    _order = "remittance_id, id"

    remittance_id = fields.Many2one(
        "cod.remittance", "Payout", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="remittance_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="remittance_id.currency_id")
    sale_order_id = fields.Many2one(
        "sale.order", "Order", required=True, ondelete="restrict", index=True
    )
    carrier_id = fields.Many2one(related="sale_order_id.carrier_id")
    file_reference = fields.Char(
        "Reference in the File", help="How the payout named the order."
    )
    amount = fields.Monetary(
        "COD Amount", help="Cash collected for the order that this payout settles."
    )
    cod_fee = fields.Monetary("COD Fee")
    shipping_fee = fields.Monetary()
    paid_date = fields.Date(
        "Paid On", help="The date the payout gives this order (part of its identity)."
    )
    amount_net = fields.Monetary("Paid Out", compute="_compute_state", store=True)
    amount_to_remit = fields.Monetary(
        "To Remit",
        help="The order's collected cash not remitted yet, nor claimed by "
        "another payout, when the payout was imported.",
    )
    outstanding = fields.Monetary("Short By", compute="_compute_state", store=True)
    state = fields.Selection(
        [("remitted", "Remitted"), ("short", "Short"), ("missing", "Missing")],
        compute="_compute_state",
        store=True,
        help="Short: the payout remits less than the order's collected cash "
        "still to remit. Missing: it lists the order without paying any cash.",
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "payout_order_uniq",
            "unique(remittance_id, sale_order_id)",
            "A payout settles an order once.",
        )
    ]

    @api.depends("amount", "cod_fee", "shipping_fee", "amount_to_remit")
    def _compute_state(self):
        for line in self:
            currency = line.currency_id or line.env.company.currency_id
            line.amount_net = line.amount - line.cod_fee - line.shipping_fee
            line.outstanding = max(line.amount_to_remit - line.amount, 0.0)
            line.state = line_state(
                line.amount, line.amount_to_remit, Money(currency.rounding)
            )
