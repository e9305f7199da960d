from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

from ..remittance_plan import OrderBalance, too_large_problem
from .cod_remittance_messages import problem_message


class CodRemittance(models.Model):
    """Booking a payout on its bank statement line: the line's entry credits
    the COD receivable and debits the fees, reconciled with the orders'
    collection entries."""

    _inherit = "cod.remittance"  # pylint: disable=consider-merging-classes-inherited

    def _cod_reconcile_bank(self, journal, create_statement_line):
        """Reconcile each waiting payout with its bank statement line: the one
        found (same amount, the payout's reference in its label, else the
        remitter's only line of that amount), or a new one in `journal` when
        asked. Returns the payouts reconciled."""
        reconciled = self.browse()
        StLine = self.env["account.bank.statement.line"]
        for payout in self.filtered(lambda p: p.state == "waiting"):
            st_line = payout._cod_find_statement_line(journal)
            if not st_line and create_statement_line and payout.amount_net > 0:
                st_line = StLine.with_context(cod_remittance_no_auto_match=True).create(
                    {
                        "journal_id": journal.id,
                        "date": payout.date,
                        "amount": payout.amount_net,
                        "partner_id": payout.partner_id.id,
                        "payment_ref": self.env._("COD payout %s", payout.name),
                    }
                )
            if st_line:
                payout._cod_book(st_line)
                reconciled |= payout
        return reconciled

    def _cod_find_statement_line(self, journal=None):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("is_reconciled", "=", False),
            ("amount", "=", self.amount_net),
            ("journal_id.type", "=", "bank"),
        ]
        if journal:
            domain.append(("journal_id", "=", journal.id))
        StLine = self.env["account.bank.statement.line"].sudo()
        by_reference = StLine.search(
            domain + [("payment_ref", "ilike", self.name)], order="date, id", limit=1
        )
        if by_reference or not self.partner_id:
            return by_reference.with_env(self.env)
        by_partner = StLine.search(
            domain + [("partner_id", "=", self.partner_id.id)], limit=2
        )
        return (by_partner if len(by_partner) == 1 else StLine.browse()).with_env(
            self.env
        )

    def _cod_book(self, st_line):
        """Replace the statement line's suspense line by the payout: credits on
        the COD receivable (one for the orders remitted in full, one per short
        order), reconciled with the orders' collection entries, and one expense
        debit per kind of fee. The statement line's entry then says what the
        money was, as a reconciled bank line does."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        __, suspense, other = st_line._seek_for_lines()
        if st_line.is_reconciled or other or len(suspense) != 1:
            raise UserError(
                self.env._(
                    "The bank statement line %s is already reconciled.",
                    st_line.display_name,
                )
            )
        if st_line.foreign_currency_id or st_line.currency_id != currency:
            raise UserError(
                self.env._(
                    "The bank statement line %(line)s is not in %(currency)s, "
                    "the currency of the COD receivables.",
                    line=st_line.display_name,
                    currency=currency.name,
                )
            )
        if currency.compare_amounts(st_line.amount, self.amount_net):
            raise UserError(
                self.env._(
                    "Payout %(payout)s pays out %(net)s; the bank statement line "
                    "%(line)s is %(amount)s.",
                    payout=self.name,
                    net=format_amount(self.env, self.amount_net, currency),
                    line=st_line.display_name,
                    amount=format_amount(self.env, st_line.amount, currency),
                )
            )
        open_lines = self._cod_open_receivables(self.line_ids.sale_order_id)
        AccountMoveLine = self.env["account.move.line"]
        account = company.cod_receivable_account_id
        # Orders remitted in full share one credit on the COD receivable, as
        # one customer payment settles many invoices: one journal item and
        # one reconciliation group for the whole payout, not one per order.
        # A short order gets its own credit, so that the shortfall stays on
        # that order's receivable whatever order core reconciles in.
        full_debits, short = AccountMoveLine, []
        for line in self.line_ids.filtered("amount"):
            debits = open_lines.get(line.sale_order_id.id, AccountMoveLine)
            outstanding = sum(debits.mapped("amount_residual"))
            difference = currency.compare_amounts(line.amount, outstanding)
            if difference > 0:
                order = line.sale_order_id
                raise UserError(
                    problem_message(
                        self.env,
                        too_large_problem(
                            OrderBalance(
                                order.id,
                                order.name,
                                open=outstanding,
                                cod_state=order.cod_state,
                            ),
                            self.name,
                            line.amount,
                            outstanding,
                            self._cod_money(),
                        ),
                        currency,
                    )
                )
            if difference:
                short.append((line.sale_order_id.name, line.amount, debits))
            else:
                full_debits |= debits
        credits = []
        if full_debits:
            credits.append(
                (
                    self.env._(
                        "COD payout %(payout)s: %(count)s orders",
                        payout=self.name,
                        count=len(full_debits.move_id),
                    ),
                    sum(full_debits.mapped("amount_residual")),
                    full_debits,
                )
            )
        credits += short
        commands = [Command.unlink(suspense.id)]
        for label, amount, __ in credits:
            commands.append(
                Command.create(
                    {
                        "account_id": account.id,
                        "partner_id": self.partner_id.id,
                        "name": label,
                        "balance": -amount,
                        "amount_currency": -amount,
                        "currency_id": currency.id,
                    }
                )
            )
        for kind, amount, label in (
            ("cod", self.cod_fee, self.env._("COD fees, payout %s", self.name)),
            (
                "shipping",
                self.shipping_fee,
                self.env._("Shipping fees, payout %s", self.name),
            ),
        ):
            if currency.is_zero(amount):
                continue
            fee_account = company._cod_remittance_fee_account(kind)
            if not fee_account:
                raise UserError(
                    self.env._(
                        "Set the COD fee accounts of %s in the Invoicing settings.",
                        company.name,
                    )
                )
            commands.append(
                Command.create(
                    {
                        "account_id": fee_account.id,
                        "partner_id": self.partner_id.id,
                        "name": label,
                        "balance": amount,
                        "amount_currency": amount,
                        "currency_id": currency.id,
                        # given, not computed line by line (a query each)
                        "analytic_distribution": False,
                    }
                )
            )
        # Billing users reconcile journal items but may not write bank
        # statement lines (core's rights): the payout was checked above
        # against the line's amount and the open receivables.
        # Core logs each item added to a posted entry in its chatter: one
        # message per order for a payout of a thousand orders. The payout
        # holds the detail; the entry gets one message linking to it.
        st_line_sudo = st_line.sudo()
        st_line_sudo.with_context(
            force_delete=True, skip_readonly_check=True, tracking_disable=True
        ).write({"line_ids": commands})
        st_line_sudo.move_id._message_log(
            body=self.env._(
                "Reconciled with COD payout %(payout)s (%(count)s orders).",
                payout=self._get_html_link(),
                count=len(self.line_ids.filtered("amount")),
            )
        )
        new_credits = st_line_sudo.move_id.line_ids.filtered(
            lambda l: l.account_id == account and l.balance < 0
        ).sorted("id")
        # The orders' COD states follow once, after the whole reconciliation
        # (not once per batch of partials core creates; core works in the
        # plan's records' environment).
        deferred = new_credits.with_context(cod_defer_remitted_sync=True)
        plan = [
            (credit + debits).with_env(deferred.env)
            for credit, (__, __, debits) in zip(deferred, credits, strict=True)
        ]
        deferred._reconcile_plan(plan)
        self.env["sale.order"]._cod_sync_remitted(
            AccountMoveLine.union(*(debits for __, __, debits in credits))
        )
        self.write({"statement_line_id": st_line.id, "state": "reconciled"})
        self.message_post(
            body=self.env._(
                "Reconciled with the bank statement line %s.", st_line.display_name
            )
        )
        return True
