from odoo import fields, models

COD_JOURNAL_CODE = "COD"


class ResCompany(models.Model):
    _inherit = "res.company"

    cod_journal_id = fields.Many2one(
        "account.journal",
        string="COD Journal",
        check_company=True,
        domain=[("type", "=", "general")],
        help="Miscellaneous journal of the collection entries: when a courier "
        "delivers a cash-on-delivery parcel, the invoice is paid by moving "
        "the amount to the COD receivable of the carrier.",
    )
    cod_receivable_account_id = fields.Many2one(
        "account.account",
        string="COD Receivable Account",
        check_company=True,
        domain=[("reconcile", "=", True), ("account_type", "=", "asset_current")],
        help="Cash collected by couriers and not remitted yet (reconcilable "
        "current asset), one line per order with the carrier as partner.",
    )
    cod_invoice_policy = fields.Selection(
        [("confirm", "At confirmation"), ("delivered", "When delivered")],
        string="Invoice COD Orders",
        default="confirm",
        required=True,
        help="At confirmation: the invoice is made when the customer confirms "
        "the order with cash on delivery, and paid when the courier delivers. "
        "When delivered: the invoice is made (and paid) when the courier "
        "reports the parcel delivered.",
    )
    cod_refund_failed = fields.Boolean(
        string="Credit Note for Failed COD",
        default=True,
        help="When a cash-on-delivery parcel comes back (returned, rejected, "
        "disposed), reverse its unpaid invoice with a credit note.",
    )

    def _cod_ensure_accounting(self):
        """Give each company (with a chart of accounts) its COD journal and
        COD receivable account when it has none yet: sensible defaults the
        shop may change in Settings. Returns nothing."""
        for company in self.sudo():
            if not company.chart_template:
                continue
            vals = {}
            if not company.cod_journal_id:
                journal = self.env["account.journal"].search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("code", "=", COD_JOURNAL_CODE),
                        ("type", "=", "general"),
                    ],
                    limit=1,
                )
                vals["cod_journal_id"] = (
                    journal
                    or self.env["account.journal"].create(
                        {
                            "name": self.env._("Cash on Delivery"),
                            "code": COD_JOURNAL_CODE,
                            "type": "general",
                            "company_id": company.id,
                        }
                    )
                ).id
            if not company.cod_receivable_account_id:
                vals["cod_receivable_account_id"] = company._cod_create_account().id
            if vals:
                company.write(vals)

    def _cod_create_account(self):
        """A reconcilable current asset 'COD Receivable', coded next to the
        company's receivable account (first free code)."""
        self.ensure_one()
        Account = self.env["account.account"].with_company(self)
        receivable = self.partner_id.with_company(self).property_account_receivable_id
        base = receivable.code or "1100"
        candidates = (
            [f"{base[:-2]}{n:02d}" for n in range(90, 100)]
            if base.isdigit() and len(base) > 2
            else []
        ) + [f"{base}.COD{n}" for n in range(1, 100)]
        used = set(
            Account.search(
                [
                    *Account._check_company_domain(self),
                    ("code", "in", candidates),
                ]
            ).mapped("code")
        )
        code = next(code for code in candidates if code not in used)
        return Account.create(
            {
                "name": self.env._("COD Receivable"),
                "code": code,
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
