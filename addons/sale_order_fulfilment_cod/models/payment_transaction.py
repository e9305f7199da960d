import logging

from odoo import api, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

COD_PROCESS_URL = "/payment/cod/process"


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _get_specific_rendering_values(self, processing_values):
        """Like payment_custom's wire transfer: nothing to capture online, the
        form (payment_custom.redirect_form) posts the reference to our route."""
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != "cod":
            return res
        return {"api_url": COD_PROCESS_URL, "reference": self.reference}

    @api.model
    def _get_tx_from_notification_data(self, provider_code, notification_data):
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != "cod" or len(tx) == 1:
            return tx
        reference = notification_data.get("reference")
        tx = self.search([("reference", "=", reference), ("provider_code", "=", "cod")])
        if not tx:
            raise ValidationError(
                self.env._(
                    "Cash on Delivery: no transaction found matching reference "
                    "%(reference)s.",
                    reference=reference,
                )
            )
        return tx

    def _process_notification_data(self, notification_data):
        """The customer chose cash on delivery: the transaction stays pending
        (the courier collects the cash; the books follow the delivery)."""
        super()._process_notification_data(notification_data)
        if self.provider_code != "cod":
            return
        self._set_pending()

    def _log_received_message(self):
        # Nothing was received: the customer only chose to pay the courier.
        return super(
            PaymentTransaction, self.filtered(lambda tx: tx.provider_code != "cod")
        )._log_received_message()

    def _get_sent_message(self):
        message = super()._get_sent_message()
        if self.provider_code == "cod":
            message = self.env._(
                "The customer chose %(provider)s: the courier collects the cash.",
                provider=self.provider_id.name,
            )
        return message

    def _post_process(self):
        """A pending COD transaction confirms its order, which then awaits the
        cash (is_cod, cod_state 'to_collect') and goes through the fulfilment
        steps its policy allows (invoice at confirmation, delivery)."""
        cod_txs = self.filtered(
            lambda tx: (
                tx.provider_code == "cod"
                and tx.state == "pending"
                and tx.operation != "validation"
            )
        )
        orders = cod_txs.sale_order_ids.filtered(lambda o: o.state in ("draft", "sent"))
        orders._cod_confirm()
        res = super()._post_process()
        cod_txs.sale_order_ids.filtered(
            lambda o: o.state == "sale" and o.is_cod
        )._fulfilment_run("payment")
        return res
