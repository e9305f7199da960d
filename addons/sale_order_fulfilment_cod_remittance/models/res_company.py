from odoo import api, fields, models, tools


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

    @api.model
    @tools.ormcache()
    def _cod_receivable_account_ids(self):
        """The COD receivable accounts of all companies, cached: every
        reconciliation of the database asks (account.partial.reconcile), and
        a plain customer payment must not pay a query for it."""
        self.flush_model(["cod_receivable_account_id"])
        self.env.cr.execute(
            """SELECT cod_receivable_account_id FROM res_company
                WHERE cod_receivable_account_id IS NOT NULL"""
        )
        return frozenset(row[0] for row in self.env.cr.fetchall())

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        if any(vals.get("cod_receivable_account_id") for vals in vals_list):
            self.env.registry.clear_cache()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if "cod_receivable_account_id" in vals:
            self.env.registry.clear_cache()
        return res
