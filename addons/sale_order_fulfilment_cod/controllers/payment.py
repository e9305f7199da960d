from odoo.addons.website_sale.controllers.payment import PaymentPortal
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request, route

from ..models.payment_provider import COD_MODE


class CodPaymentPortal(PaymentPortal):
    @route()
    def shop_payment_transaction(self, order_id, access_token, **kwargs):
        """The fee line follows the payment chosen: added (once) for cash on
        delivery, removed for any other payment, before core checks the
        amount and creates the transaction. The amount the page showed (the
        cart without the fee) then stands for the new total. A COD the
        delivery does not offer is refused with its reason, nothing written."""
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token
            )
        except (AccessError, MissingError):
            # core's route refuses it with its own message
            return super().shop_payment_transaction(order_id, access_token, **kwargs)
        provider_sudo = (
            request.env["payment.provider"]
            .sudo()
            .browse(self._cast_as_int(kwargs.get("provider_id")))
            .exists()
        )
        if order_sudo.state in ("draft", "sent"):
            before = order_sudo.amount_total
            if provider_sudo.custom_mode == COD_MODE:
                order_sudo._cod_set_fee_line()
            else:
                order_sudo._cod_remove_fee_line()
            amount = kwargs.get("amount")
            if amount is not None and not order_sudo.currency_id.compare_amounts(
                float(amount), before
            ):
                kwargs["amount"] = order_sudo.amount_total
        return super().shop_payment_transaction(order_id, access_token, **kwargs)

    def _validate_transaction_for_order(self, transaction, sale_order):
        """Cash on delivery only for the order as it stands and as the chosen
        delivery offers it (carrier, maximum, fee): a forged request past the
        payment step is refused, nothing written."""
        super()._validate_transaction_for_order(transaction, sale_order)
        if transaction.provider_id.custom_mode != COD_MODE:
            return
        refusal = sale_order._cod_check_transaction(transaction)
        if refusal:
            raise ValidationError(refusal)
