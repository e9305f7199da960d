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
        """A refund is the shop or the customer going back on the order: nothing
        of the refunded payment may be put on an invoice, and the order waits
        for a person (exception) whatever it still has to do."""
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

    def _fulfilment_match_refund(self):
        """Reconcile the refund's payment with what is still open of the refunded
        payment (same customer and receivable account): that money went back."""
        self.ensure_one()
        lines = (
            self.payment_id | self.source_transaction_id.payment_id
        ).move_id.line_ids._fulfilment_open_receivable()
        if (
            any(line.balance > 0 for line in lines)
            and any(line.balance < 0 for line in lines)
            and len(lines.account_id) == 1
            and len(lines.partner_id.commercial_partner_id) == 1
        ):
            lines.reconcile()
