from odoo import Command, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """The freight cost in the books (company policy *Post Freight Costs*):
    the delivery's final cost accrued on its carrier's expense account."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _freight_post(self, cost):
        """Post what the delivery's entries lack of its final cost, linked
        to `cost`, the change that made it. Only entries still posted are
        counted: a resend posts nothing, a correction its difference, a
        cancelled shipment the reversal, and an entry an accountant
        cancelled is posted again with the next change."""
        self.ensure_one()
        currency = self.company_id.currency_id
        posted = sum(
            c.posted_amount
            for c in self.freight_cost_ids
            if c.move_id.state == "posted"
        )
        amount = currency.round(self.freight_final - posted)
        if currency.is_zero(amount):
            return
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(self._freight_move_vals(amount, cost))
        )
        move.action_post()
        cost.write({"move_id": move.id, "posted_amount": amount})

    def _freight_move_vals(self, amount, cost=None):
        """A journal entry of `amount` (negative: a cost lowered): the
        expense on the delivery product's expense account with the order's
        analytic distribution, against the company's freight accrual
        account, which the carrier's bill then clears; both lines on the
        carrier's partner (``delivery.carrier._freight_partner``). A change
        for a parcel coming back (`cost`'s reason) is labelled as its
        return postage."""
        self.ensure_one()
        company = self.company_id
        product = self.carrier_id.product_id.product_tmpl_id.with_company(company)
        expense = product._get_product_accounts()["expense"]
        missing = [
            label
            for label, value in (
                (
                    self.env._("a Freight Journal (Inventory settings)"),
                    company.freight_journal_id,
                ),
                (
                    self.env._("a Freight Accrual Account (Inventory settings)"),
                    company.freight_accrual_account_id,
                ),
                (
                    self.env._(
                        "an expense account on the product %(product)s of the "
                        "delivery method",
                        product=product.display_name,
                    ),
                    expense,
                ),
            )
            if not value
        ]
        if missing:
            raise UserError(
                self.env._(
                    "The freight cost of %(picking)s cannot be posted: set "
                    "%(missing)s.",
                    picking=self.name,
                    missing=", ".join(missing),
                )
            )
        service = (
            " ".join(filter(None, (self.shipment_courier, self.shipment_service)))
            or self.carrier_id.name
        )
        if cost and cost.reason == "return":
            label = self.env._(
                "Return postage %(picking)s (%(service)s)",
                picking=self.name,
                service=service,
            )
        else:
            label = self.env._(
                "Freight cost %(picking)s (%(service)s)",
                picking=self.name,
                service=service,
            )
        partner = self.carrier_id._freight_partner()
        debit, credit = max(amount, 0.0), max(-amount, 0.0)
        return {
            "move_type": "entry",
            "journal_id": company.freight_journal_id.id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": expense.id,
                        "debit": debit,
                        "credit": credit,
                        "partner_id": partner.id,
                        "analytic_distribution": (
                            self.sale_id._freight_analytic_distribution()
                        ),
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": company.freight_accrual_account_id.id,
                        "debit": credit,
                        "credit": debit,
                        "partner_id": partner.id,
                    }
                ),
            ],
        }
