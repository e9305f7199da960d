from odoo import models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def _get_fulfilment_payments_action(self):
        """The list of these payments, opened from an order or an invoice.
        The ids come from a superuser compute: only users who may read
        payments get them."""
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payments"),
            "res_model": "account.payment",
            "view_mode": "list,form",
            "domain": [("id", "in", self.ids)],
            "context": {"create": False},
        }

    def _get_fulfilment_open_lines(self):
        """Open receivable lines of these payments, once posted."""
        lines = self.filtered(
            lambda p: p.state in ("in_process", "paid")
        ).move_id.line_ids._fulfilment_open_receivable()
        return lines.filtered(lambda line: line.balance < 0)
