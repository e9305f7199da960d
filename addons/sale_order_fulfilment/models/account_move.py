from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError

# Context key: the invoice is cancelled or reset by a flow that already
# accounts for it (the order is being cancelled, or button_cancel resets first).
SKIP_HOLD = "fulfilment_skip_invoice_hold"


class AccountMove(models.Model):
    _inherit = "account.move"

    # Counted as superuser: the payments' journal items are not readable by a
    # salesperson opening the invoice of an order.
    fulfilment_payment_count = fields.Integer(
        compute="_compute_fulfilment_payment_count", compute_sudo=True
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

    def button_draft(self):
        res = super().button_draft()
        if not self.env.context.get(SKIP_HOLD):
            self._fulfilment_hold_orders(cancelled=False)
        return res

    def button_cancel(self):
        res = super(AccountMove, self.with_context(**{SKIP_HOLD: True})).button_cancel()
        if not self.env.context.get(SKIP_HOLD):
            self._fulfilment_hold_orders(cancelled=True)
        return res

    def _fulfilment_hold_orders(self, cancelled):
        """A person took back an invoice of an order paid online: the automation
        must not redo it (invoice again, or deliver). Its orders go to exception
        until someone clicks Fulfil."""
        for invoice in self.filtered(lambda m: m.move_type == "out_invoice"):
            # The orders are written as the automation: an accountant taking an
            # invoice back may have no right on sale orders.
            orders = invoice.sudo().invoice_line_ids.sale_line_ids.order_id.filtered(
                lambda o: o.state == "sale" and o._get_fulfilment_transactions()
            )
            if not orders:
                continue
            values = {
                "invoice": invoice.name or invoice.display_name,
                "user": self.env.user.name,
            }
            if cancelled:
                reason = self.env._(
                    "Invoice %(invoice)s was cancelled by %(user)s. The automation "
                    "stops for this order (it would invoice it again): click "
                    "Fulfil when it should invoice and go on.",
                    **values,
                )
            else:
                reason = self.env._(
                    "Invoice %(invoice)s was reset to draft by %(user)s. The "
                    "automation stops for this order (it would deliver it): post "
                    "the invoice and click Fulfil when it should go on.",
                    **values,
                )
            for order in orders:
                order._fulfilment_set_exception(UserError(reason))

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
