from odoo import models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _checkout_check_not_paid(self):
        if self.transaction_ids.filtered(
            lambda tx: tx.state not in ("draft", "cancel", "error")
        ):
            raise UserError(
                self.env._(
                    "The order is already being paid: its delivery can no longer "
                    "change."
                )
            )

    def _set_checkout_area(self, carrier, key):
        """The customer picks the area `key` of the delivery address among
        those `carrier`'s provider found for it (checkout_services.
        CheckoutAreaError): the provider checks it is one of them and keeps
        it; the order's failed rates are forgotten so that the next rate
        asks again."""
        self.ensure_one()
        self._checkout_check_not_paid()
        set_area = carrier._checkout_provider_method("checkout_set_area")
        if not set_area:
            raise UserError(
                self.env._(
                    "%(method)s does not ask for the area of an address.",
                    method=carrier.name,
                )
            )
        set_area(self, str(key))
        carrier._checkout_forget_failures(self)

    def _set_checkout_service(self, carrier, code):
        """The customer picks the service `code` of `carrier` (a method that
        offers several, delivery_carrier_checkout.py): the provider records it
        on the order while core prices it and writes the delivery line.
        Returns core's rate of it."""
        self.ensure_one()
        self._checkout_check_not_paid()
        if code not in {s["code"] for s in carrier._get_checkout_services(self)}:
            raise UserError(
                self.env._(
                    "%(service)s is not offered for this address any more: choose "
                    "another service.",
                    service=code,
                )
            )
        order = self.with_context(checkout_service=code)
        carrier = carrier.with_context(checkout_service=code)
        if order.carrier_id != carrier:
            order.carrier_id = carrier
        rate = carrier.rate_shipment(order)
        if not rate.get("success"):
            raise UserError(rate.get("error_message"))
        order.set_delivery_line(carrier, rate["price"])
        return rate
