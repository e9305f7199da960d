from odoo import models

from .payment_provider import COD_MODE


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _get_sent_message(self):
        message = super()._get_sent_message()
        if self.provider_id.custom_mode == COD_MODE:
            message = self.env._(
                "The customer chose %(provider)s: the courier collects the cash.",
                provider=self.provider_id.name,
            )
        return message

    def _post_process(self):
        """A pending cash-on-delivery transaction (payment_custom's: the
        customer chose it) confirms its quotation, as website_sale_collect's
        pay-on-site does, but only when it is the transaction of the order as
        it stands now (sale.order._cod_check_transaction): sale's amount
        check only covers done and authorized transactions. Otherwise the
        transaction is cancelled and the customer goes through payment again.
        The fulfilment then runs on the confirmed order (sale_order_fulfilment)."""
        for tx in self.filtered(
            lambda tx: (
                tx.provider_id.custom_mode == COD_MODE
                and tx.state == "pending"
                and tx.operation != "validation"
                and len(tx.sale_order_ids) == 1
            )
        ):
            order = tx.sale_order_ids
            if order.state not in ("draft", "sent"):
                continue
            refusal = order._cod_check_transaction(tx)
            if refusal:
                tx._set_canceled(state_message=refusal)
                order.message_post(
                    body=self.env._(
                        "Cash on delivery refused: %(reason)s", reason=refusal
                    )
                )
                continue
            order.write({"is_cod": True, "cod_state": "to_collect"})
            order.with_context(send_email=True).action_confirm()
        return super()._post_process()
