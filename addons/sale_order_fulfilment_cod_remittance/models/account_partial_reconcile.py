from odoo import api, models


class AccountPartialReconcile(models.Model):
    """Whichever way a COD receivable gets reconciled (a payout, Odoo's own
    reconciliation, a payment) or unreconciled, the order's COD state follows.

    Every reconciliation of the database passes here: only the lines on a
    COD receivable account are looked at, found without a query, so that a
    plain customer payment costs none more (tests/test_reconcile_queries.py)."""

    _inherit = "account.partial.reconcile"

    def _cod_receivable_lines(self):
        """The partials' journal items on a COD receivable account: the
        accounts' ids are cached, the items' accounts were read by the
        reconciliation."""
        accounts = self.env["res.company"]._cod_receivable_account_ids()
        if not accounts:
            return self.env["account.move.line"]
        lines = self.debit_move_id | self.credit_move_id
        return lines.filtered(lambda line: line.account_id.id in accounts)

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        if self.env.context.get("cod_defer_remitted_sync"):
            # the caller syncs once, after its whole reconciliation
            return partials
        cod_lines = partials._cod_receivable_lines()
        if cod_lines:
            self.env["sale.order"]._cod_sync_remitted(cod_lines)
        return partials

    def unlink(self):
        cod_lines = self._cod_receivable_lines()
        res = super().unlink()
        if cod_lines:
            self.env["sale.order"]._cod_sync_remitted(cod_lines.exists())
        return res
