from odoo.addons.website_sale.controllers.delivery import Delivery
from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route


class DeliveryServices(Delivery):
    """A delivery method that offers several courier services of its provider
    (delivery_carrier_tracking's checkout contract): its services ride along
    with core's rate and order summary answers (no extra request from the
    page; the provider keeps its answer on the order), and one route picks a
    service."""

    @route()
    def shop_get_delivery_rate(self, dm_id):
        rate = super().shop_get_delivery_rate(dm_id)
        carrier = request.env["delivery.carrier"].sudo().browse(int(dm_id))
        if rate.get("success") and carrier._offers_checkout_services():
            rate["delivery_services"] = self._checkout_services_values(
                carrier, request.website.sale_get_order()
            )
        return rate

    @route()
    def shop_set_delivery_method(self, dm_id=None, **kwargs):
        values = super().shop_set_delivery_method(dm_id=dm_id, **kwargs)
        carrier = request.env["delivery.carrier"].sudo().browse(int(dm_id))
        order = request.website.sale_get_order()
        if (
            values
            and carrier._offers_checkout_services()
            and order.carrier_id != carrier
        ):
            # Core keeps the previous method when the rate fails and answers
            # success: say why this one cannot be chosen (the cached failure).
            rate = self._get_rate(carrier, order)
            if not rate["success"]:
                values.update(self._rate_failure_values(rate))
        return values

    def _order_summary_values(self, order, **kwargs):
        values = super()._order_summary_values(order, **kwargs)
        carrier = order.carrier_id
        if carrier._offers_checkout_services() and order._has_deliverable_products():
            rate = self._get_rate(carrier, order)
            if rate["success"]:
                values["delivery_services"] = self._checkout_services_values(
                    carrier, order
                )
            else:
                # Provider down or no service: the method says why and cannot
                # be kept (core disables a radio whose answer failed).
                values.update(self._rate_failure_values(rate))
        return values

    def _rate_failure_values(self, rate):
        """Why a method's rate failed, and the areas the customer may pick
        when the provider could not tell the address's (its select)."""
        return {
            "success": False,
            "error_message": rate["error_message"],
            "checkout_areas": rate.get("checkout_areas", []),
        }

    def _checkout_services_values(self, carrier, order):
        """One entry per service offered, priced as core prices a method
        (taxes, margin, free-over) through `_get_rate`."""
        monetary = request.env["ir.qweb.field.monetary"]
        values = []
        for service in carrier._get_checkout_services(order):
            rate = self._get_rate(
                carrier.with_context(checkout_service=service["code"]), order
            )
            if not rate["success"]:
                continue
            values.append(
                {
                    "key": service["code"],
                    "courier": service["courier"],
                    "service": service["service"],
                    "name": service["name"],
                    "duration": service["etd"],
                    "amount": monetary.value_to_html(
                        rate["price"], {"display_currency": order.currency_id}
                    ),
                    "is_free": not rate["price"],
                    "cheapest": service["cheapest"],
                    "fastest": service["fastest"],
                    "cod": service["cod"],
                    "selected": bool(
                        service["selected"] and order.carrier_id == carrier
                    ),
                }
            )
        return values

    @route(
        "/shop/delivery_service",
        type="json",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def shop_set_delivery_service(self, dm_id, service):
        """Choose one courier service of a method that offers several, for
        the cart (public visitors and portal customers, on their own cart
        only)."""
        order_sudo, carrier = self._cart_delivery_method(
            dm_id, lambda order, carrier: carrier._offers_checkout_services()
        )
        order_sudo._set_checkout_service(carrier, str(service))
        return self._order_summary_values(order_sudo)

    @route(
        "/shop/delivery_area",
        type="json",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def shop_set_delivery_area(self, dm_id, area):
        """The area (e.g. district) of the cart's delivery address, picked by
        the customer among those a method's provider found for it (its rate
        answer's ``checkout_areas``); answers the method's fresh rate. Public
        visitors and portal customers, on their own cart's delivery address
        only."""
        order_sudo, carrier = self._cart_delivery_method(
            dm_id, lambda order, carrier: not order._is_anonymous_cart()
        )
        order_sudo._set_checkout_area(carrier, str(area))
        return self.shop_get_delivery_rate(carrier.id)

    def _cart_delivery_method(self, dm_id, usable):
        """The visitor's own cart and its delivery method `dm_id`, one the
        cart's address may use and for which `usable(order, carrier)`."""
        order_sudo = request.website.sale_get_order()
        if not order_sudo:
            raise ValidationError(request.env._("Your cart is empty."))
        carrier = order_sudo._get_delivery_methods().filtered(
            lambda c: c.id == int(dm_id)
        )
        if not carrier or not usable(order_sudo, carrier):
            raise UserError(
                request.env._(
                    "This delivery method is not available for your address. "
                    "Refresh the page and try again."
                )
            )
        return order_sudo, carrier
