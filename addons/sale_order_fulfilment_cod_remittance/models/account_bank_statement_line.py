import logging
import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..remittance_plan import Money, Problem, pick_waiting_payout, plan_label
from .cod_remittance_messages import problem_message

_logger = logging.getLogger(__name__)

# Words of a bank label that may name an order or a delivery ("S00042",
# "WH/OUT/00012", "PREFIX-WH/OUT/00012", a waybill number).
LABEL_TOKEN = re.compile(r"[\w][\w./-]{3,}")


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    cod_remittance_ids = fields.One2many(
        "cod.remittance", "statement_line_id", "COD Payout", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A bank line of a COD payout is matched as soon as it is entered or
        imported; one that matches nothing stays as it is (no error: most bank
        lines are not payouts)."""
        lines = super().create(vals_list)
        if not self.env.context.get("cod_remittance_no_auto_match"):
            for line in lines.filtered(
                lambda l: l.amount > 0 and l.company_id.cod_receivable_account_id
            ):
                try:
                    with self.env.cr.savepoint():
                        line._cod_match()
                except UserError as error:
                    _logger.info("COD payout not matched on %s: %s", line.id, error)
        return lines

    def action_undo_reconciliation(self):
        """Undoing a payout's reconciliation: a payout imported from a file
        waits for its bank line again; one read from this line's label is
        removed with it (it is rebuilt when the line is matched again)."""
        payouts = self.cod_remittance_ids
        res = super().action_undo_reconciliation()
        from_label = payouts.filtered(lambda p: p.source == "statement")
        # derived from the line, whatever the user's rights on payouts
        from_label.sudo().unlink()
        (payouts - from_label).write({"state": "waiting", "statement_line_id": False})
        return res

    def action_cod_match(self):
        """Match bank statement lines with COD payouts (button, XML-RPC).
        Returns {line id: payout id} of the lines matched; raises, naming the
        line, when one cannot be matched."""
        result = {}
        for line in self:
            payout = line._cod_match(explain=True)
            result[str(line.id)] = payout.id
        return result

    def _cod_match(self, explain=False):
        """The line's payout, booked on it: an imported payout waiting for the
        bank (its reference in the label and the same amount, else the only
        one of the same amount and remitter), else a payout built from the
        orders named in the label. Returns the payout (empty when none)."""
        self.ensure_one()
        Payout = self.env["cod.remittance"]
        if self.cod_remittance_ids:
            return self.cod_remittance_ids
        if self.is_reconciled:
            if explain:
                raise UserError(
                    self.env._("%s is already reconciled.", self.display_name)
                )
            return Payout
        payout = self._cod_find_waiting_payout()
        if not payout:
            payout = self._cod_payout_from_label(explain)
        if payout:
            payout._cod_book(self)
        return payout

    def _cod_find_waiting_payout(self):
        currency = self.company_id.currency_id
        self.env["cod.remittance"].flush_model()
        label = " ".join(filter(None, [self.payment_ref, self.ref]))
        self.env.cr.execute(
            """SELECT id FROM cod_remittance
                WHERE company_id = %s AND state = 'waiting'
                  AND abs(amount_net - %s) < %s
                  AND (%s ILIKE '%%' || name || '%%' OR partner_id = %s)
                ORDER BY (%s ILIKE '%%' || name || '%%') DESC, date, id""",
            [
                self.company_id.id,
                self.amount,
                currency.rounding / 2,
                label,
                self.partner_id.id or 0,
                label,
            ],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        payouts = self.env["cod.remittance"].browse(ids)
        by_reference = payouts.filtered(lambda p: p.name.lower() in label.lower())
        if by_reference:
            return by_reference[0]
        # by remitter and amount only when it is unambiguous
        return payouts if len(payouts) == 1 else payouts.browse()

    def _cod_payout_from_label(self, explain):
        """A payout of the orders named in the label: the payout waiting for
        the bank of exactly those orders and this amount, else one planned
        from the label (remittance_plan.plan_label): each order for its cash
        still to remit, minus its COD fee line (what the aggregator deducts).
        For any other deduction, import the payout's file."""
        Payout = self.env["cod.remittance"]
        company = self.company_id
        money = Money(company.currency_id.rounding)
        label = " ".join(filter(None, [self.payment_ref, self.ref]))
        orders = self.env["sale.order"].union(
            *self.env["sale.order"]
            ._cod_remittance_find_orders(set(LABEL_TOKEN.findall(label)), company)
            .values()
        )
        if not orders:
            if explain:
                raise UserError(
                    self.env._(
                        "%(line)s names no COD payout and no cash-on-delivery order: "
                        "import the payout's remittance file.",
                        line=self.display_name,
                    )
                )
            return Payout
        waiting = self._cod_waiting_payout_of(orders, money)
        if waiting:
            return waiting
        Payout._cod_claim_orders(orders)
        balances = Payout._cod_balances(orders)
        planned, problem = plan_label(
            [balances[order.id] for order in orders],
            {
                order.id: sum(order._cod_fee_lines().mapped("price_total"))
                for order in orders
            },
            self.amount,
            self.date,
            self.move_id.name,
            money,
        )
        same = (
            Payout.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("fingerprint", "=", planned.fingerprint),
                ],
                limit=1,
            )
            if not problem
            else Payout
        )
        if same:
            problem = Problem(
                "same_content",
                params={
                    "payout": planned.name,
                    "existing": same.name,
                    "filename": same.filename or "",
                },
            )
        if problem:
            if explain:
                raise UserError(
                    problem_message(
                        self.env, problem, company.currency_id, line=self.display_name
                    )
                )
            return Payout
        return Payout.create(
            {
                "name": planned.name,
                "source": "statement",
                "partner_id": planned.remitter_id,
                "date": self.date,
                "fingerprint": planned.fingerprint,
                "line_ids": [
                    Command.create(
                        {
                            "sale_order_id": line.order_id,
                            "file_reference": line.key,
                            "amount": line.amount,
                            "cod_fee": line.cod_fee,
                            "paid_date": line.paid_date,
                            "amount_to_remit": line.to_remit,
                        }
                    )
                    for line in planned.lines
                ],
            }
        )

    def _cod_waiting_payout_of(self, orders, money):
        """The payout waiting for the bank that claims exactly `orders` for
        this line's amount: the bank line is its line, even when its label
        names the orders instead of the payout's reference."""
        candidates = (
            self.env["cod.remittance.line"]
            .sudo()
            .search(
                [
                    ("sale_order_id", "in", orders.ids),
                    ("company_id", "=", self.company_id.id),
                    ("remittance_id.state", "=", "waiting"),
                ]
            )
            .remittance_id
        )
        picked = pick_waiting_payout(
            orders.ids,
            self.amount,
            [
                (
                    payout.id,
                    frozenset(payout.line_ids.sale_order_id.ids),
                    payout.amount_net,
                )
                for payout in candidates
            ],
            money,
        )
        return self.env["cod.remittance"].browse(picked or [])
