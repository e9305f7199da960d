from odoo import api, fields, models

from ..remittance_plan import Money


class CodRemittance(models.Model):
    """One payout of a carrier or aggregator: the cash its couriers collected
    for some orders, minus its fees, paid to the shop's bank. Imported from a
    remittance file or built from a bank statement line; reconciled once,
    against one bank statement line.

    The record and its amounts. Planning is remittance_plan (plain Python);
    importing, booking and flagging issues are the cod_remittance_* files."""

    _name = "cod.remittance"
    _description = "COD Payout"
    _inherit = "mail.thread"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Payout Reference", required=True, readonly=True, index=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        "Remitted By",
        readonly=True,
        help="The carrier or aggregator who collected the cash (the partner of "
        "its COD receivable lines).",
    )
    date = fields.Date("Paid On", readonly=True)
    source = fields.Selection(
        [("file", "Remittance file"), ("statement", "Bank statement line")],
        required=True,
        readonly=True,
    )
    filename = fields.Char(readonly=True)
    line_ids = fields.One2many("cod.remittance.line", "remittance_id", readonly=True)
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        "Bank Statement Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    move_id = fields.Many2one(
        related="statement_line_id.move_id", string="Journal Entry"
    )
    state = fields.Selection(
        [("waiting", "Waiting for the bank"), ("reconciled", "Reconciled")],
        default="waiting",
        required=True,
        readonly=True,
        tracking=True,
    )
    amount = fields.Monetary(
        "COD Amount",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    cod_fee = fields.Monetary(
        "COD Fees", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    shipping_fee = fields.Monetary(
        "Shipping Fees",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_net = fields.Monetary(
        "Paid Out",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
        help="What reaches the bank: the COD amount minus the fees.",
    )
    issue_count = fields.Integer(
        "Short or Missing", compute="_compute_amounts", store=True
    )

    fingerprint = fields.Char(
        readonly=True,
        copy=False,
        help="Its lines (order, amount, date) hashed: the same payout imported "
        "again under another name is recognised by it.",
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "name_company_uniq",
            "unique(company_id, name)",
            "A payout with this reference was already imported.",
        ),
        (
            "fingerprint_company_uniq",
            "unique(company_id, fingerprint)",
            (
                "A payout with the same lines (orders, amounts, dates) was "
                "already imported."
            ),
        ),
    ]

    @api.depends("line_ids.amount", "line_ids.cod_fee", "line_ids.shipping_fee")
    def _compute_amounts(self):
        for payout in self:
            lines = payout.line_ids
            payout.amount = sum(lines.mapped("amount"))
            payout.cod_fee = sum(lines.mapped("cod_fee"))
            payout.shipping_fee = sum(lines.mapped("shipping_fee"))
            payout.amount_net = payout.amount - payout.cod_fee - payout.shipping_fee
            payout.issue_count = len(lines.filtered(lambda l: l.state != "remitted"))

    def _cod_money(self):
        """The company currency's rounding, for the planner."""
        return Money((self.company_id or self.env.company).currency_id.rounding)

    def action_open_statement_line(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
