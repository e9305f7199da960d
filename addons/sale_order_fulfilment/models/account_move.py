from odoo import SUPERUSER_ID, api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    fulfilment_payment_count = fields.Integer(
        compute="_compute_fulfilment_payment_count"
    )

    @api.depends("line_ids.matched_credit_ids", "line_ids.matched_debit_ids")
    def _compute_fulfilment_payment_count(self):
        for move in self:
            move.fulfilment_payment_count = len(move._get_reconciled_payments())

    def _post(self, soft=True):
        # Core only matches payments of the invoice's own transactions that are
        # still "in process"; match all the payments of the orders instead.
        posted = super()._post(soft)
        posted._reconcile_order_payments()
        return posted

    def _reconcile_order_payments(self):
        """Reconcile each open customer invoice with the open payments of its sale
        orders' transactions: same customer, same receivable account, only what is
        still open on both sides (so never twice); partial amounts stay open."""
        for invoice in self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and not m.currency_id.is_zero(m.amount_residual)
            )
        ):
            receivable = invoice.line_ids.filtered(
                lambda line: (
                    line.account_type == "asset_receivable" and not line.reconciled
                )
            )
            orders = invoice.invoice_line_ids.sale_line_ids.order_id
            if not receivable or not orders:
                continue
            payment_lines = orders._get_fulfilment_payment_lines().filtered(
                lambda line, inv=invoice, rec=receivable: (
                    line.account_id == rec.account_id[:1]
                    and line.partner_id.commercial_partner_id
                    == inv.commercial_partner_id
                )
            )
            if payment_lines:
                (receivable + payment_lines).reconcile()

    def _fulfilment_send(self):
        """Email the posted invoices not sent yet, as core's automatic invoice does
        (sale's payment.transaction._send_invoice, which only knows the invoices
        linked to a transaction): marked sent first so that no later run sends
        them again, sent as OdooBot rather than as the public user of a web
        payment, a PDF error logged on the invoice instead of failing the order."""
        invoices = self.with_user(SUPERUSER_ID).filtered(
            lambda m: (
                m.state == "posted" and not m.is_move_sent and m._is_ready_to_be_sent()
            )
        )
        if not invoices:
            return
        invoices.is_move_sent = True
        invoices.env["account.move.send"]._generate_and_send_invoices(
            invoices, allow_raising=False, allow_fallback_pdf=True
        )

    def action_view_fulfilment_payments(self):
        self.ensure_one()
        return self._get_reconciled_payments()._get_fulfilment_payments_action()
