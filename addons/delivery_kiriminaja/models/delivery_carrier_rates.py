import logging
import math
import re

from odoo import models
from odoo.addons.delivery_carrier_tracking.checkout_services import CheckoutAreaError
from odoo.exceptions import UserError

from ..kiriminaja import (
    KiriminAjaBadResponse,
    KiriminAjaConnectionError,
    KiriminAjaError,
    KiriminAjaServerError,
    KiriminAjaTimeout,
)
from ..kiriminaja.client import INSTANT_COURIERS

_logger = logging.getLogger(__name__)
# KiriminAja's failures a checkout page keeps briefly instead of asking again
# for each of its requests (KiriminAja down or slow): by name, to raise again.
KEPT_ERRORS = {
    error.__name__: error
    for error in (
        KiriminAjaBadResponse,
        KiriminAjaConnectionError,
        KiriminAjaServerError,
        KiriminAjaTimeout,
    )
}


def _amount(value):
    """KiriminAja sends amounts as numbers or numeric strings."""
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _etd_hours(etd, in_hours=False):
    """Upper bound in hours of KiriminAja's delivery time in days ("1-2",
    "1"), or in hours (instant); None when it names none."""
    spans = [int(part) for part in re.findall(r"\d+", etd or "")]
    if not spans:
        return None
    return max(spans) * (1 if in_hours else 24)


def _cod_fee(setting, base):
    """The COD fee of a service's ``setting`` (/docs/pricing/express):
    ``cod_fee_amount`` when KiriminAja computed it, else ``cod_fee`` (a
    fraction, "0.03": "values are already divided by 100") of base (goods,
    shipping and insurance), at least ``minimum_cod_fee``."""
    minimum = _amount(setting.get("minimum_cod_fee"))
    if setting.get("cod_fee_amount") not in (None, ""):
        return max(_amount(setting["cod_fee_amount"]), minimum)
    return max(math.ceil(base * _amount(setting.get("cod_fee"))), minimum)


class DeliveryCarrier(models.Model):
    """KiriminAja's rates: one request, every service it prices, and the
    core contract's kiriminaja_rate_shipment over it."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def kiriminaja_rate_shipment(self, order):
        """Checkout price of a courier service (core contract): the one named
        in the context's ``checkout_service`` (rate shopping), else the one
        recorded on the order, else the method's; ``kiriminaja_service`` in
        the answer names it."""
        self.ensure_one()
        try:
            service = self._kiriminaja_priced_service(order)
        except (UserError, KiriminAjaError) as error:
            return self._kiriminaja_rate_failed(order, error)
        if not service:
            label = self.env.context.get("checkout_service") or self._kiriminaja_code()
            return self._kiriminaja_no_rate(
                self.env._(
                    "%(service)s does not deliver to this address.",
                    service=label.replace(":", " ").upper(),
                )
            )
        return {
            "success": True,
            "price": self._kiriminaja_convert(
                service["price"] + service["insurance_fee"],
                self.env.ref("base.IDR"),
                order.company_id.currency_id,
                order.company_id,
            ),
            "error_message": False,
            "warning_message": False,
            "kiriminaja_service": service["code"],
        }

    def _kiriminaja_code(self, courier=None, service=None):
        """A service's code within the method ("jne:REG23"), the method's own
        by default."""
        courier = courier or self.kiriminaja_courier or ""
        service = service or self.kiriminaja_service or ""
        return f"{courier.lower()}:{service.upper()}"

    def _kiriminaja_priced_service(self, order):
        """The service priced for the order, from _kiriminaja_rate_services:
        the one named in the context's ``checkout_service`` (rate shopping;
        None if not offered), else the one the order ships with (the one rule
        booking reads too: _kiriminaja_order_service), else, shopping rates,
        the cheapest. None when KiriminAja does not offer it."""
        by_code = {s["code"]: s for s in self._kiriminaja_rate_services(order)}
        wanted = self.checkout_rate_shopping and self.env.context.get(
            "checkout_service"
        )
        if wanted:
            return by_code.get(wanted)
        service = by_code.get(
            self._kiriminaja_code(*self._kiriminaja_order_service(order))
        )
        if service or not self.checkout_rate_shopping:
            return service
        return min(
            by_code.values(),
            key=lambda s: s["price"] + s["insurance_fee"],
            default=None,
        )

    def _kiriminaja_offers_checkout_services(self):
        """Rate shopping (delivery_carrier_tracking's checkout contract)."""
        return self.checkout_rate_shopping

    def _kiriminaja_checkout_services(self, order):
        """The services KiriminAja prices for the order in the checkout
        contract's words (delivery_carrier_tracking/checkout_services.py),
        prices in the order's currency; [] when KiriminAja cannot price them
        (the method's rate says why)."""
        try:
            services = self._kiriminaja_rate_services(order, cod=True)
            chosen = self._kiriminaja_priced_service(order)
        except (UserError, KiriminAjaError):
            return []
        idr = self.env.ref("base.IDR")

        def convert(rupiah):
            return self._kiriminaja_convert(
                rupiah, idr, order.currency_id, order.company_id
            )

        return [
            {
                "code": service["code"],
                "courier": service["courier"],
                "service": service["service"],
                "name": service["name"],
                "price": convert(service["price"] + service["insurance_fee"]),
                "currency": order.currency_id.name,
                "etd": self._checkout_duration_label(
                    service["etd"], hours=service["etd_in_hours"]
                ),
                "etd_hours": _etd_hours(service["etd"], service["etd_in_hours"]),
                "cod": service["cod"],
                "cod_fee": convert(service["cod_fee"]),
                "selected": bool(
                    chosen
                    and service["code"] == chosen["code"]
                    and order.carrier_id == self
                ),
            }
            for service in services
        ]

    def _kiriminaja_checkout_set_area(self, order, key):
        """The customer's district (checkout contract): `key` must be one of
        the districts KiriminAja finds for the order's delivery address (asked
        again, never taken from the page); kept on that address only."""
        partner = order.partner_shipping_id
        candidates = partner._kiriminaja_district_candidates(self)
        if not candidates:
            raise UserError(
                self.env._(
                    "No district matches your delivery address: check its postal "
                    "code and its district (kecamatan)."
                )
            )
        chosen = {str(district): district for district in candidates}.get(key)
        if chosen is None:
            raise UserError(
                self.env._(
                    "This district is not one of those that match your delivery "
                    "address (%(districts)s). Refresh the page and choose again.",
                    districts="; ".join(sorted(candidates.values())),
                )
            )
        partner._kiriminaja_keep_district(chosen, candidates[chosen])

    def _kiriminaja_rate_services(self, order, cod=False):
        """Every service KiriminAja prices for the order's parcel, in one
        request: a list of dicts ``courier``, ``service``, ``name``, ``price``
        (rupiah), ``cod_fee`` (when ``cod`` and the service takes COD, else
        0), ``insurance_fee`` (when the method insures), ``cod`` (whether it
        takes COD), ``etd`` (KiriminAja's text: days, or hours when
        ``etd_in_hours``) and ``code`` ("jne:REG23"). KiriminAja is asked once
        per method, cart, address and weight (the answer is kept on the
        order)."""
        self.ensure_one()
        self._kiriminaja_check_idr(order.company_id)
        warehouse = order.warehouse_id.partner_id or order.company_id.partner_id
        idr = self.env.ref("base.IDR")
        goods = self._kiriminaja_goods_lines(order)
        item_value = round(
            self._kiriminaja_convert(
                sum(goods.mapped("price_subtotal")),
                order.currency_id,
                idr,
                order.company_id,
            )
        )
        grams = self._kiriminaja_grams(order)
        if self._kiriminaja_instant():
            payload = self._kiriminaja_instant_price_payload(
                warehouse, order.partner_shipping_id, grams, item_value
            )

            def fetch():
                return self._kiriminaja_client().instant_pricing(payload)

        else:
            payload = {
                "origin": warehouse._kiriminaja_district(self),
                "destination": order.partner_shipping_id._kiriminaja_district(self),
                "weight": grams,
                "item_value": item_value,
                "insurance": 1 if self.kiriminaja_insurance else 0,
                "courier": [self.kiriminaja_courier.lower()],
            }

            def fetch():
                return self._kiriminaja_client().shipping_price(payload)

        results = self._checkout_cached_rates(
            order,
            [self.sudo()._kiriminaja_base_url(), payload],
            fetch,
            keep_error=lambda error: (
                type(error).__name__ in KEPT_ERRORS
                and {
                    "type": type(error).__name__,
                    "message": str(error),
                    "status": error.status,
                }
            ),
            error_from=lambda kept: KEPT_ERRORS[kept["type"]](
                kept["message"], kept["status"]
            ),
        )
        if self._kiriminaja_instant():
            return self._kiriminaja_instant_services(results)
        services = []
        for result in results:
            setting = result.get("setting") or {}
            takes_cod = bool(result.get("cod"))
            courier = str(result.get("service", "")).lower()
            service = str(result.get("service_type", "")).upper()
            services.append(
                {
                    "code": self._kiriminaja_code(courier, service),
                    "courier": courier,
                    "service": service,
                    "name": str(result.get("service_name", "")),
                    "price": _amount(result.get("cost")),
                    "cod": takes_cod,
                    "cod_fee": _cod_fee(
                        setting,
                        item_value
                        + _amount(result.get("cost"))
                        + _amount(result.get("insurance")),
                    )
                    if cod and takes_cod
                    else 0.0,
                    "insurance_fee": _amount(result.get("insurance"))
                    if self.kiriminaja_insurance
                    else 0.0,
                    "etd": str(result.get("etd") or ""),
                    "etd_in_hours": False,
                }
            )
        return services

    def _kiriminaja_instant_price_payload(self, origin, destination, grams, item_value):
        """Instant pricing's body (/docs/instant/pricing) between two
        contacts, for this method's courier and vehicle; UserError naming a
        contact without a map position."""
        return {
            "service": [self.kiriminaja_courier.lower()],
            "item_price": item_value,
            "origin": origin._kiriminaja_place(),
            "destination": destination._kiriminaja_place(),
            "weight": grams,
            "vehicle": self.kiriminaja_vehicle,
            # Indonesia's western time: the pages' default, the shop's clock
            "timezone": "WIB",
        }

    def _kiriminaja_instant_services(self, results):
        """Instant pricing's ``result`` (/docs/instant/pricing) as
        _kiriminaja_rate_services's dicts: the price is what the shop pays
        (``total_price``: shipping and admin fee), ``shipping_cost`` what
        the booking sends back for validation; instant couriers take no COD
        (/docs/instant/service-list) and no insurance here."""
        services = []
        for result in results:
            courier = str(result.get("name", "")).lower()
            for cost in result.get("costs") or []:
                price = cost.get("price") or {}
                service = str(cost.get("service_type", "")).upper()
                services.append(
                    {
                        "code": self._kiriminaja_code(courier, service),
                        "courier": courier,
                        "service": service,
                        "name": f"{INSTANT_COURIERS.get(courier, courier)} "
                        f"{service.capitalize()}",
                        "price": _amount(price.get("total_price")),
                        "shipping_cost": _amount(price.get("shipping_costs")),
                        "cod": False,
                        "cod_fee": 0.0,
                        "insurance_fee": 0.0,
                        # "1-2 hours": the span, in hours
                        "etd": re.sub(
                            r"[^0-9-]", "", str(cost.get("estimation") or "")
                        ),
                        "etd_in_hours": True,
                    }
                )
        return services

    def _kiriminaja_goods_lines(self, order):
        """The lines whose value is the parcel's item_value: not the delivery
        line priced from it (nor, in a bridge, fees priced from it)."""
        return order.order_line.filtered(lambda line: not line.is_delivery)

    def _kiriminaja_grams(self, order):
        """The order's weight in whole grams (KiriminAja: int, grams), at
        least 1: a product without weight cannot be priced."""
        lines = order.order_line.filtered(
            lambda line: line.product_id.type == "consu" and not line.is_delivery
        )
        missing = lines.filtered(lambda line: not line.product_id.weight)
        if missing:
            raise UserError(
                self.env._(
                    "KiriminAja prices by weight: set the weight of %(products)s.",
                    products=", ".join(missing.product_id.mapped("display_name")),
                )
            )
        kilos = sum(
            line.product_id.weight
            * line.product_uom._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id
            )
            for line in lines
        )
        return max(1, math.ceil(kilos * 1000))

    def _kiriminaja_check_idr(self, company):
        """KiriminAja prices are rupiah: refused without an IDR rate (the
        contract's one currency rule)."""
        self._tracking_check_currency_rates(self.env.ref("base.IDR"), company)

    def _kiriminaja_convert(self, amount, from_currency, to_currency, company):
        return self._tracking_convert(amount, from_currency, to_currency, company)

    def _kiriminaja_rate_failed(self, order, error):
        """The shopper reads our sentence, never KiriminAja's words about
        the shop's key; a refused key is the method's configuration error."""
        refused = self.kiriminaja_configuration_error(error)
        if refused:
            self._tracking_config_failed(refused)
            return self._tracking_unavailable_rate()
        if not isinstance(error, KiriminAjaError):
            rate = self._kiriminaja_no_rate(str(error))
            if isinstance(error, CheckoutAreaError):
                rate.update(error.checkout_values(order))
            return rate
        _logger.info("KiriminAja rates failed for %s: %s", order.name, error)
        return self._kiriminaja_no_rate(
            self.env._(
                "Courier rates are not available right now. Choose another "
                "delivery method or try again in a few minutes."
            )
        )

    def _kiriminaja_no_rate(self, message):
        return {
            "success": False,
            "price": 0.0,
            "error_message": message,
            "warning_message": False,
        }
