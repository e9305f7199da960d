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
