from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    freight_threshold_amount = fields.Monetary(
        "Freight Cost Change Over",
        currency_field="currency_id",
        help="A carrier's price differing from the booked one by more than "
        "this amount needs a person (an activity on the delivery). 0: not "
        "checked; with a percentage too, both must be exceeded.",
    )
    freight_threshold_percent = fields.Float(
        "Freight Cost Change Over (%)",
        default=10.0,
        help="A carrier's price differing from the booked one by more than "
        "this percentage of it needs a person. 0: not checked.",
    )
    freight_cost_posting = fields.Selection(
        [
            ("none", "No entry"),
            ("journal_entry", "Journal entry per delivery"),
        ],
        "Post Freight Costs",
        default="none",
        required=True,
        help="Journal entry per delivery: its freight cost is accrued when the "
        "shipment is booked (delivery product's expense account, the order's "
        "analytic distribution, against the freight accrual account); each "
        "later change of the carrier's price posts the difference, a "
        "cancelled shipment the reversal.",
    )
    freight_journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', '=', 'general')]",
    )
    freight_accrual_account_id = fields.Many2one(
        "account.account",
        help="A current liability the carrier's bills are booked against.",
    )
    freight_rebill_invoiced = fields.Boolean(
        "Rebill Corrections After Invoicing",
        help="Delivery methods invoicing the real cost: when a carrier changes "
        "its price after the shipping was invoiced, add a line with the "
        "difference to the order (invoiced with its next invoice) instead of "
        "only noting it.",
    )
