from odoo.addons.website_sale.controllers.delivery import Delivery
from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route


class BiteshipDelivery(Delivery):
    """Rate-shopping Biteship methods: their services ride along with core's
    rate and order summary answers (no extra request from the page, and the
    rates come from the order's cache), and one route picks a service."""

    @staticmethod
    def _biteship_is_rate_shopping(carrier):
        return carrier.delivery_type == "biteship" and carrier.biteship_rate_shopping

    @route()
    def shop_get_delivery_rate(self, dm_id):
        rate = super().shop_get_delivery_rate(dm_id)
        carrier = request.env["delivery.carrier"].sudo().browse(int(dm_id))
        if rate.get("success") and self._biteship_is_rate_shopping(carrier):
            rate["biteship_services"] = self._biteship_services_values(
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
            and self._biteship_is_rate_shopping(carrier)
            and order.carrier_id != carrier
        ):
            # Core keeps the previous method when the rate fails and answers
            # success: say why this one cannot be chosen (the cached failure).
            rate = self._get_rate(carrier, order)
            if not rate["success"]:
                values.update(success=False, error_message=rate["error_message"])
        return values

    def _order_summary_values(self, order, **kwargs):
        values = super()._order_summary_values(order, **kwargs)
        carrier = order.carrier_id
        if (
            self._biteship_is_rate_shopping(carrier)
            and order._has_deliverable_products()
        ):
            rate = self._get_rate(carrier, order)
            if rate["success"]:
                values["biteship_services"] = self._biteship_services_values(
                    carrier, order
                )
            else:
                # Biteship down or no service: the method says why and cannot
                # be kept (core disables a radio whose answer failed).
                values.update(success=False, error_message=rate["error_message"])
        return values

    def _biteship_services_values(self, carrier, order):
        """One entry per service offered, priced as core prices a method
        (taxes, margin, free-over) through `_get_rate`."""
        monetary = request.env["ir.qweb.field.monetary"]
        chosen = order.carrier_id == carrier and (
            f"{order.biteship_courier_company}:{order.biteship_courier_type}"
        )
        services = []
        for option in carrier._biteship_rate_options(order):
            rate = self._get_rate(
                carrier.with_context(biteship_service=option["key"]), order
            )
            if not rate["success"]:
                continue
            services.append(
                {
                    "key": option["key"],
                    "name": f"{option['courier_name']} {option['service_name']}",
                    "duration": option["duration"],
                    "amount": monetary.value_to_html(
                        rate["price"], {"display_currency": order.currency_id}
                    ),
                    "is_free": not rate["price"],
                    "cheapest": option["cheapest"],
                    "fastest": option["fastest"],
                    "selected": option["key"] == chosen,
                }
            )
        return services

    @route(
        "/shop/biteship/set_service",
        type="json",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def shop_biteship_set_service(self, dm_id, service):
        """Choose one service of a rate-shopping Biteship method for the cart
        (public visitors and portal customers, on their own cart only)."""
        order_sudo = request.website.sale_get_order()
        if not order_sudo:
            raise ValidationError(request.env._("Your cart is empty."))
        carrier = order_sudo._get_delivery_methods().filtered(
            lambda c: c.id == int(dm_id)
        )
        if not self._biteship_is_rate_shopping(carrier):
            raise UserError(
                request.env._(
                    "This delivery method is not available for your address. "
                    "Refresh the page and try again."
                )
            )
        order_sudo._biteship_choose_service(carrier, str(service))
        return self._order_summary_values(order_sudo)
