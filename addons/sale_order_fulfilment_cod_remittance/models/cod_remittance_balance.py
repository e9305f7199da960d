from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..remittance_plan import Claim, ExistingPayout, OrderBalance


class CodRemittance(models.Model):
    """The facts a payout is planned with: each order's cash on its COD
    receivable and what payouts already claim of it, and the payouts already
    imported."""

    _inherit = "cod.remittance"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cod_receivable_debits(self, orders):
        """The collection entries' debit lines on the company's COD
        receivable of `orders` (posted)."""
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id.cod_sale_order_id", "in", orders.ids),
                    (
                        "account_id",
                        "in",
                        orders.company_id.cod_receivable_account_id.ids,
                    ),
                    ("parent_state", "=", "posted"),
                    ("balance", ">", 0),
                ]
            )
        )

    @api.model
    def _cod_open_receivables(self, orders):
        """{order id: its COD receivable lines not fully reconciled}."""
        if not orders:
            return {}
        result = defaultdict(lambda: self.env["account.move.line"])
        for line in self._cod_receivable_debits(orders).filtered(
            lambda l: not l.reconciled
        ):
            result[line.move_id.cod_sale_order_id.id] |= line
        return dict(result)

    @api.model
    def _cod_claim_orders(self, orders):
        """Serialize payouts claiming the same orders: each order row gets a
        new version in this transaction, so a concurrent payout claiming one
        of them fails to serialize (Odoo's request and cron retry it) and
        then plans with this one's claims, instead of both claiming the same
        cash from stale snapshots. A row lock alone would not do: under
        repeatable read only an updated row makes the other one fail."""
        if orders:
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order SET write_date = write_date WHERE id IN %s",
                    tuple(orders.ids),
                )
            )

    @api.model
    def _cod_balances(self, orders):
        """{order id: OrderBalance}: what its courier collected, what the
        books leave open, and every payout's claim on it."""
        if not orders:
            return {}
        debits = defaultdict(lambda: self.env["account.move.line"])
        for line in self._cod_receivable_debits(orders):
            debits[line.move_id.cod_sale_order_id.id] |= line
        claims = defaultdict(list)
        for order, payout, amount in (
            self.env["cod.remittance.line"]
            .sudo()
            ._read_group(
                [("sale_order_id", "in", orders.ids)],
                ["sale_order_id", "remittance_id"],
                ["amount:sum"],
            )
        ):
            claims[order.id].append(
                Claim(payout.name, amount, payout.state == "waiting")
            )
        return {
            order.id: OrderBalance(
                order.id,
                order.name,
                collected=sum(debits[order.id].mapped("balance")),
                open=sum(debits[order.id].mapped("amount_residual")),
                remitter_id=debits[order.id].partner_id[:1].id or None,
                cod_state=order.cod_state,
                claims=tuple(claims[order.id]),
            )
            for order in orders
        }

    @api.model
    def _cod_existing_payouts(self, company, names, fingerprints):
        """ExistingPayouts of `company` with one of these names or
        fingerprints."""
        payouts = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", company.id),
                    "|",
                    ("name", "in", list(names)),
                    ("fingerprint", "in", list(fingerprints)),
                ]
            )
        )
        return [
            ExistingPayout(
                payout.name,
                frozenset(payout.line_ids.sale_order_id.ids),
                payout.fingerprint or "",
                payout.filename or "",
            )
            for payout in payouts
        ]

    @api.model
    def _cod_names_like(self, company, name):
        """Payout names of `company` starting with `name`."""
        if not name:
            return []
        pattern = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return (
            self.sudo()
            .search([("company_id", "=", company.id), ("name", "=like", f"{pattern}%")])
            .mapped("name")
        )
