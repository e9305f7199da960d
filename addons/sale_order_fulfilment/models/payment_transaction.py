import logging

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """Run the fulfilment of the paid orders after core's post-processing
        (order confirmation, payment), in savepoints (see _fulfilment_run) so
        that a failure never rolls core's work back. A refund stops the
        automation of its orders instead."""
        res = super()._post_process()
        done = self.filtered(lambda tx: tx.state == "done")
        refunds = done.filtered(lambda tx: tx.operation == "refund")
        refunds._fulfilment_stop_refunded_orders()
        payments = done - refunds
        payments.filtered(
            lambda tx: tx.operation != "validation"
        )._get_fulfilment_orders()._fulfilment_run("payment")
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

    def _get_fulfilment_orders(self):
        """Sale orders of the transactions; partial captures and refunds are
        linked to them through their source transaction only."""
        source = self.source_transaction_id
        return (
            self.sale_order_ids
            | source.sale_order_ids
            | source.source_transaction_id.sale_order_ids
        )

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
        ).move_id.line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and line.parent_state == "posted"
                and not line.reconciled
            )
        )
        if (
            any(line.balance > 0 for line in lines)
            and any(line.balance < 0 for line in lines)
            and len(lines.account_id) == 1
            and len(lines.partner_id.commercial_partner_id) == 1
        ):
            lines.reconcile()
