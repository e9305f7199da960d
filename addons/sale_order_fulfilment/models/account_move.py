from odoo import api, fields, models
from odoo.exceptions import UserError

from .fulfilment_steps import POSTED_INVOICE

# Context key: the invoice is cancelled or reset by a flow that already
# accounts for it (the order is being cancelled, or button_cancel resets first).
SKIP_HOLD = "fulfilment_skip_invoice_hold"
# Context key: ids of the invoices being posted whose payments
# _reconcile_order_payments matches; sale's per-line matching skips them.
ORDER_PAYMENTS_MATCHED = "fulfilment_order_payments_matched"


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
        # sale's _post matches each invoice with the payments of its
        # transactions still "in process", one journal item and one invoice at
        # a time; _reconcile_order_payments matches all the payments of the
        # invoices' orders, all invoices at once. Sale's matching is skipped
        # (js_assign_outstanding_line) for the invoices ours covers, so that
        # every posting path, a person's or the automation's, does the same.
        matched = self._get_order_payments_matched()
        posted = super(
            AccountMove, self.with_context(**{ORDER_PAYMENTS_MATCHED: matched.ids})
        )._post(soft)
        posted = posted.with_env(self.env)
        posted._reconcile_order_payments()
        return posted

    def js_assign_outstanding_line(self, line_id):
        if self.id in self.env.context.get(ORDER_PAYMENTS_MATCHED, ()):
            return True
        return super().js_assign_outstanding_line(line_id)

    def _get_order_payments_matched(self):
        """The customer invoices whose transactions _reconcile_order_payments
        covers: each is a transaction of the invoice's orders, made by the
        invoice's customer. (Read as superuser: transactions are readable by
        billing users only.)"""
        invoices = self.sudo().filtered(
            lambda m: m.move_type == "out_invoice" and m.transaction_ids
        )
        return invoices.filtered(
            lambda invoice: (
                not (
                    invoice.transaction_ids._get_fulfilment_orders()
                    - invoice.invoice_line_ids.sale_line_ids.order_id
                )
                and invoice.transaction_ids.partner_id.commercial_partner_id
                == invoice.commercial_partner_id
            )
        )

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
            # The orders the automation acts on, or will once paid in full;
            # written as the automation: an accountant taking an invoice back
            # may have no right on sale orders.
            orders = invoice.sudo().invoice_line_ids.sale_line_ids.order_id.filtered(
                lambda o: (
                    o._is_fulfilment_agreed()
                    or (o.state == "sale" and o._get_fulfilment_transactions())
                )
            )
            for order in orders:
                order._fulfilment_set_exception(
                    UserError(order._get_fulfilment_hold_reason(invoice, cancelled))
                )

    def _reconcile_order_payments(self):
        """Reconcile each open customer invoice with the open payments of its sale
        orders' transactions: same customer, same receivable account, only what is
        still open on both sides (so never twice); partial amounts stay open.

        All invoices in one reconciliation plan; an invoice sharing a payment
        line with one before it waits for the next round (what is left of it)."""
        todo = self.filtered_domain(POSTED_INVOICE)
        # Read for all the invoices at once: each invoice's orders below would
        # read their payments' journal items one invoice at a time.
        todo.invoice_line_ids.sale_line_ids.order_id._get_fulfilment_payment_lines()
        while todo:
            plan, used, later = [], set(), self.browse()
            for invoice in todo:
                group = invoice._get_order_payments_to_reconcile()
                if not group:
                    continue
                if used & set(group.ids):
                    later |= invoice
                    continue
                used.update(group.ids)
                plan.append(group)
            if plan:
                self.env["account.move.line"]._reconcile_plan(plan)
            todo = later

    def _get_order_payments_to_reconcile(self):
        """The open receivable lines of the invoice and of the payments it may
        take (see _reconcile_order_payments), or nothing to reconcile."""
        self.ensure_one()
        nothing = self.env["account.move.line"]
        if self.currency_id.is_zero(self.amount_residual):
            return nothing
        receivable = self.line_ids._fulfilment_open_receivable()
        orders = self.invoice_line_ids.sale_line_ids.order_id
        if not receivable or not orders:
            return nothing
        payment_lines = orders._get_fulfilment_payment_lines().filtered(
            lambda line: (
                line.account_id == receivable.account_id[:1]
                and line.partner_id.commercial_partner_id == self.commercial_partner_id
            )
        )
        return receivable + payment_lines if payment_lines else nothing

    def _fulfilment_send(self):
        """Email the posted invoices not sent yet through core's sending of
        invoices paid online (sale's payment.transaction._send_invoice): the
        invoice email template chosen in the Sales settings, sent as OdooBot,
        marked sent first so that no later run sends them again, a PDF error
        logged on the invoice instead of failing the order.

        Core sends the invoices of transactions: an invoice made from an order
        is linked to the order's transactions whose payment is still open
        (sale.order._prepare_invoice), as the automation's invoices are. One
        made after all of them were reconciled is linked first."""
        invoices = self.sudo().filtered(lambda m: not m.is_move_sent)
        for invoice in invoices.filtered(lambda m: not m.transaction_ids):
            orders = invoice.line_ids.sale_line_ids.order_id
            invoice.transaction_ids = orders._get_fulfilment_transactions().filtered(
                lambda tx: tx.operation != "refund"
            )
        invoices.transaction_ids._send_invoice()

    def action_view_fulfilment_payments(self):
        self.ensure_one()
        return self._get_reconciled_payments()._get_fulfilment_payments_action()
