import logging
import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

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
        """A payout of the orders named in the label, each for the cash still
        to remit, minus its COD fee line (what the aggregator deducts); for
        any other deduction, import the payout's file."""
        Payout = self.env["cod.remittance"]
        company = self.company_id
        currency = company.currency_id
        label = " ".join(filter(None, [self.payment_ref, self.ref]))
        keys = set(LABEL_TOKEN.findall(label))
        orders_by_key = Payout._cod_find_orders(keys, company)
        orders = self.env["sale.order"].union(*orders_by_key.values())
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
        open_lines = Payout._cod_open_receivables(orders)
        lines_vals, expected = [], 0.0
        for order in orders:
            outstanding = sum(
                open_lines.get(order.id, self.env["account.move.line"]).mapped(
                    "amount_residual"
                )
            )
            if currency.is_zero(outstanding):
                if explain:
                    raise UserError(
                        self.env._(
                            "%(line)s names %(order)s, which has no collected cash "
                            "left to remit.",
                            line=self.display_name,
                            order=order.name,
                        )
                    )
                return Payout
            fee = min(sum(order._cod_fee_lines().mapped("price_total")), outstanding)
            expected += outstanding - fee
            lines_vals.append(
                {
                    "sale_order_id": order.id,
                    "file_reference": order.name,
                    "amount": outstanding,
                    "cod_fee": fee,
                    "amount_to_remit": outstanding,
                }
            )
        if currency.compare_amounts(self.amount, expected):
            if explain:
                raise UserError(
                    self.env._(
                        "%(line)s pays %(amount)s for %(orders)s, which come to "
                        "%(expected)s after their COD fees: import the payout's "
                        "remittance file to say what was short or deducted.",
                        line=self.display_name,
                        amount=format_amount(self.env, self.amount, currency),
                        orders=", ".join(orders.mapped("name")),
                        expected=format_amount(self.env, expected, currency),
                    )
                )
            return Payout
        partners = self.env["account.move.line"].union(*open_lines.values()).partner_id
        if len(partners) > 1:
            if explain:
                raise UserError(
                    self.env._(
                        "%s names orders of several carriers: one payout comes from "
                        "one carrier or aggregator.",
                        self.display_name,
                    )
                )
            return Payout
        return Payout.create(
            {
                "name": self.move_id.name,
                "source": "statement",
                "partner_id": partners.id,
                "date": self.date,
                "line_ids": [Command.create(vals) for vals in lines_vals],
            }
        )
