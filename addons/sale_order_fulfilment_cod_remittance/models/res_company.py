from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    cod_fee_account_id = fields.Many2one(
        "account.account",
        string="COD Fee Account",
        check_company=True,
        domain=[("account_type", "in", ("expense", "expense_direct_cost"))],
        help="Expense account of the COD fees a carrier or aggregator deducts "
        "from its payouts. Empty: the chart's default expense account.",
    )
    cod_shipping_fee_account_id = fields.Many2one(
        "account.account",
        string="COD Shipping Fee Account",
        check_company=True,
        domain=[("account_type", "in", ("expense", "expense_direct_cost"))],
        help="Expense account of the shipping costs deducted from COD payouts. "
        "Empty: the chart's default expense account.",
    )
    cod_overdue_grace_days = fields.Integer(
        string="COD Payout Grace Days",
        default=2,
        help="Days allowed beyond a carrier's payout window before the cash "
        "it collected counts as overdue (report and activity).",
    )

    def _cod_remittance_fee_account(self, kind):
        """Expense account of a fee kind ('cod' or 'shipping'): the configured
        one, else the expense account the chart of accounts set as default on
        product categories (every chart sets it), so a payout is bookable on
        a fresh database."""
        self.ensure_one()
        account = (
            self.cod_fee_account_id
            if kind == "cod"
            else self.cod_shipping_fee_account_id
        )
        if account:
            return account
        default_id = (
            self.env["ir.default"]
            .sudo()
            ._get(
                "product.category",
                "property_account_expense_categ_id",
                company_id=self.id,
            )
        )
        return self.env["account.account"].sudo().browse(default_id).exists()
