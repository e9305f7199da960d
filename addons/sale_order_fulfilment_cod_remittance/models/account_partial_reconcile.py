from odoo import api, models


class AccountPartialReconcile(models.Model):
    """Whichever way a COD receivable gets reconciled (a payout, Odoo's own
    reconciliation, a payment) or unreconciled, the order's COD state follows."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        if self.env.context.get("cod_defer_remitted_sync"):
            # the caller syncs once, after its whole reconciliation
            return partials
        self.env["sale.order"]._cod_sync_remitted(
            partials.debit_move_id | partials.credit_move_id
        )
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        res = super().unlink()
        self.env["sale.order"]._cod_sync_remitted(lines.exists())
        return res
