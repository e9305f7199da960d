from odoo import models

# A journal item still open on a receivable account of a posted entry: what
# the automation may still reconcile (invoices, payments, refunds, the COD
# collection). The one definition; payments take the credit side of it.
OPEN_RECEIVABLE = [
    ("account_type", "=", "asset_receivable"),
    ("parent_state", "=", "posted"),
    ("reconciled", "=", False),
]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _fulfilment_open_receivable(self):
        """These journal items that are open receivables (OPEN_RECEIVABLE)."""
        return self.filtered_domain(OPEN_RECEIVABLE)

    def _fulfilment_reconcile_open(self):
        """Reconcile what is open of these journal items (OPEN_RECEIVABLE)
        per receivable account and customer, where both sides are open: the
        one matching of money with what it pays or pays back (a refund with
        its payment or credit note, a credit note with its invoice)."""
        groups = {}
        for line in self._fulfilment_open_receivable():
            key = (line.account_id, line.partner_id.commercial_partner_id)
            groups[key] = groups.get(key, self.browse()) | line
        for lines in groups.values():
            if any(line.balance > 0 for line in lines) and any(
                line.balance < 0 for line in lines
            ):
                lines.reconcile()
