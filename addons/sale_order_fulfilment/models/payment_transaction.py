import logging

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

from .fulfilment_steps import PAYMENT

_logger = logging.getLogger(__name__)

# Which transactions are an order's: core links the order to its payments;
# partial captures and refunds are children of the transaction they capture
# or refund (a refund of a capture: a grandchild), linked to the order through
# it only. Both directions below walk these levels.
TX_CHILD_LEVELS = 2
TX_PATHS = [
    "transaction_ids" + ".child_transaction_ids" * level
    for level in range(TX_CHILD_LEVELS + 1)
]


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """Run the fulfilment of the transactions' orders after core's
        post-processing (order confirmation, payment), in savepoints (see
        _fulfilment_run) so that a failure never rolls core's work back; the
        engine acts only on the orders it may (fulfilment_may_automate). A
        refund stops the automation of its orders instead."""
        res = super()._post_process()
        refunds = self.filtered(
            lambda tx: tx.state == "done" and tx.operation == "refund"
        )
        refunds._fulfilment_stop_refunded_orders()
        (self - refunds).filtered(
            lambda tx: tx.operation not in ("validation", "refund")
        )._get_fulfilment_orders()._fulfilment_run(PAYMENT)
        return res

    def _get_fulfilment_money_moves(self):
        """The done transactions that moved money: payments, captures of
        partial captures (their source only held the authorization) and
        refunds."""
        return self.filtered(
            lambda tx: (
                tx.state == "done"
                and tx.operation != "validation"
                and not tx.child_transaction_ids.filtered(
                    lambda child: (
                        child.operation != "refund"
                        and child.state in ("done", "cancel")
                    )
                )
            )
        )

    def _get_fulfilment_amount(self, currency, company):
        """Sum of the amounts (refunds are negative) in currency, each converted
        at the date of its last state change."""
        total = 0.0
        for tx in self:
            amount = tx.amount
            if tx.currency_id != currency:
                amount = tx.currency_id._convert(
                    amount,
                    currency,
                    company,
                    (tx.last_state_change or fields.Datetime.now()).date(),
                )
            total += amount
        return currency.round(total)

    def _get_fulfilment_descendants(self):
        """The transactions with their captures and refunds (TX_CHILD_LEVELS)."""
        txs = self
        for _level in range(TX_CHILD_LEVELS):
            txs |= txs.child_transaction_ids
        return txs

    def _get_fulfilment_orders(self):
        """Sale orders of the transactions, through their sources for captures
        and refunds (TX_CHILD_LEVELS)."""
        txs = self
        for _level in range(TX_CHILD_LEVELS):
            txs |= txs.source_transaction_id
        return txs.sale_order_ids

    def _fulfilment_stop_refunded_orders(self):
        """A refund is the shop or the customer going back on the order:
        nothing of the refunded payment may be put on an invoice, and the
        order waits for a person (exception) whatever it still has to do;
        unless the shop agreed to it (_is_fulfilment_agreed_refund: a return's
        pay-back), then the order carries on. Either way its payment is
        matched with what it pays back (_fulfilment_match_refund)."""
        for refund in self:
            try:
                with self.env.cr.savepoint():
                    refund._fulfilment_match_refund()
            except Exception:  # pylint: disable=broad-except
                # The refund's own post-processing (its payment) must stay.
                _logger.warning(
                    "Refund %s not matched with its payment",
                    refund.reference,
                    exc_info=True,
                )
            if refund._is_fulfilment_agreed_refund():
                continue
            reason = self.env._(
                "Refund %(reference)s of %(amount)s was made through "
                "%(provider)s. The automation stops for this order: check it "
                "(credit note, delivery, return), then click Fulfil if it should "
                "go on.",
                reference=refund.reference,
                amount=format_amount(self.env, -refund.amount, refund.currency_id),
                provider=refund.provider_id.name,
            )
            for order in refund._get_fulfilment_orders().filtered(
                lambda o: o.state == "sale"
            ):
                order._fulfilment_set_exception(UserError(reason))

    def _is_fulfilment_agreed_refund(self):
        """Hook: whether the shop agreed to this refund as the pay-back of
        what it settles (e.g. a return's credit note). Such a refund is a
        later event of a paid order (sale.order._fulfilment_was_paid), not
        someone going back on it: no exception. Here: none is."""
        self.ensure_one()
        return False

    def _get_fulfilment_refund_counterpart(self):
        """Hook: the entries this refund pays back, which its payment is
        matched with. Here the refunded payment: the money simply went back.
        A refund agreed for something else (a return's credit note) returns
        that instead."""
        self.ensure_one()
        return self.source_transaction_id.payment_id.move_id

    def _fulfilment_match_refund(self):
        """The one matching of a refund, whatever asked for it: its payment
        reconciled with what is still open of what it pays back
        (_get_fulfilment_refund_counterpart), per receivable account and
        customer."""
        self.ensure_one()
        (
            self.payment_id.move_id | self._get_fulfilment_refund_counterpart()
        ).line_ids._fulfilment_reconcile_open()

    # ------------------------------------------------------------------
    # What of an order's payments can still be refunded (core's notion)
    # ------------------------------------------------------------------

    def _get_fulfilment_refundable_amount(self):
        """What the provider may still refund of this payment: core's refund
        wizard's notion (account_payment: its payment's
        amount_available_for_refund, zero when the provider or the payment
        method does not refund; confirmed refunds deducted), less the refunds
        asked but not booked as payments yet (core only warns of those), so
        that a second request never refunds the same money twice."""
        self.ensure_one()
        wizard = self._get_fulfilment_refund_wizard()
        if not wizard:
            return 0.0
        unbooked = self.child_transaction_ids.filtered(
            lambda child: (
                child.operation == "refund"
                and child.state not in ("cancel", "error")
                and not child.payment_id
            )
        )
        return self.currency_id.round(
            wizard.amount_available_for_refund + sum(unbooked.mapped("amount"))
        )

    def _get_fulfilment_refund_wizard(self):
        """Core's refund wizard of this payment, in memory (its computes are
        core's rules: the amount available, full-only or partial support)."""
        self.ensure_one()
        if self.operation == "refund" or not self.payment_id:
            return self.env["payment.refund.wizard"]
        return self.env["payment.refund.wizard"].new({"payment_id": self.payment_id.id})

    def _get_fulfilment_refund_source(self, amount, currency):
        """The first of these (an order's own payments) whose provider refunds
        `amount` now, by core's rules: within what is still refundable, the
        whole payment at once when only full refunds are supported. Empty
        when none does (a person pays it back)."""
        for tx in self.filtered(lambda t: t.currency_id == currency).sorted("id"):
            wizard = tx._get_fulfilment_refund_wizard()
            if not wizard or wizard.support_refund == "none":
                continue
            left = tx._get_fulfilment_refundable_amount()
            compare = currency.compare_amounts(amount, left)
            if wizard.support_refund == "partial" and compare <= 0:
                return tx
            if (
                compare == 0
                and currency.compare_amounts(left, wizard.payment_amount) == 0
            ):
                return tx
        return self.browse()
