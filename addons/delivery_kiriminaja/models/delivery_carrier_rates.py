import logging
import math

from odoo import fields, models
from odoo.exceptions import UserError

from ..kiriminaja import KiriminAjaError

_logger = logging.getLogger(__name__)


def _amount(value):
    """KiriminAja sends amounts as numbers or numeric strings."""
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _fee(rule, base, minimum=0.0):
    """A fee of KiriminAja's ``setting``: "3%" of base, or a flat amount,
    at least ``minimum``."""
    rule = str(rule or "0").strip()
    fee = base * _amount(rule[:-1]) / 100 if rule.endswith("%") else _amount(rule)
    return max(fee, _amount(minimum))


class DeliveryCarrier(models.Model):
    """KiriminAja's rates: one request, every service it prices, and the
    core contract's kiriminaja_rate_shipment over it."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def kiriminaja_rate_shipment(self, order):
        """Checkout price of this method's courier service (core contract)."""
        self.ensure_one()
        try:
            services = self._kiriminaja_rate_services(order)
        except (UserError, KiriminAjaError) as error:
            return self._kiriminaja_rate_failed(order, error)
        key = (self.kiriminaja_courier.lower(), self.kiriminaja_service.upper())
        service = next(
            (s for s in services if (s["courier"], s["service"]) == key), None
        )
        if not service:
            label = " ".join(key).upper()
            return self._kiriminaja_no_rate(
                self.env._(
                    "%(service)s does not deliver to this address.", service=label
                )
            )
        rupiah = service["price"] + service["insurance_fee"]
        return {
            "success": True,
            "price": self._kiriminaja_convert(
                rupiah,
                self.env.ref("base.IDR"),
                order.company_id.currency_id,
                order.company_id,
            ),
            "error_message": False,
            "warning_message": False,
        }

    def _kiriminaja_rate_services(self, order, cod=False):
        """Every service KiriminAja prices for the order's parcel, in one
        request: a list of dicts ``courier``, ``service``, ``name``, ``price``
        (rupiah), ``cod_fee`` (when ``cod`` and the service takes COD, else
        0), ``insurance_fee`` (when the method insures), ``cod`` (whether it
        takes COD) and ``etd`` (days, KiriminAja's text)."""
        self.ensure_one()
        self._kiriminaja_check_idr(order.company_id)
        warehouse = order.warehouse_id.partner_id or order.company_id.partner_id
        idr = self.env.ref("base.IDR")
        item_value = round(
            self._kiriminaja_convert(
                order.amount_untaxed, order.currency_id, idr, order.company_id
            )
        )
        payload = {
            "origin": warehouse._kiriminaja_district(self),
            "destination": order.partner_shipping_id._kiriminaja_district(self),
            "weight": self._kiriminaja_grams(order),
            "item_value": item_value,
            "insurance": 1 if self.kiriminaja_insurance else 0,
            "courier": [self.kiriminaja_courier.lower()],
        }
        services = []
        for result in self._kiriminaja_client().shipping_price(payload):
            setting = result.get("setting") or {}
            takes_cod = bool(result.get("cod"))
            services.append(
                {
                    "courier": str(result.get("service", "")).lower(),
                    "service": str(result.get("service_type", "")).upper(),
                    "name": str(result.get("service_name", "")),
                    "price": _amount(result.get("cost")),
                    "cod": takes_cod,
                    "cod_fee": _fee(
                        setting.get("cod_fee"),
                        item_value,
                        setting.get("minimum_cod_fee"),
                    )
                    if cod and takes_cod
                    else 0.0,
                    "insurance_fee": _amount(result.get("insurance"))
                    if self.kiriminaja_insurance
                    else 0.0,
                    "etd": str(result.get("etd") or ""),
                }
            )
        return services

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
        """KiriminAja prices are rupiah: without an IDR rate Odoo would
        convert them 1:1 (IDR 9,000 would become USD 9,000)."""
        idr = self.env.ref("base.IDR")
        if company.currency_id == idr:
            return
        if not self.env["res.currency.rate"].search_count(
            [
                ("currency_id", "=", idr.id),
                ("company_id", "in", (False, company.root_id.id)),
            ],
            limit=1,
        ):
            raise UserError(
                self.env._(
                    "KiriminAja prices are in IDR, but %(company)s has no IDR "
                    "exchange rate to convert them to %(currency)s. Add an IDR rate "
                    "in the currency settings.",
                    company=company.name,
                    currency=company.currency_id.name,
                )
            )

    def _kiriminaja_convert(self, amount, from_currency, to_currency, company):
        return from_currency._convert(amount, to_currency, company, fields.Date.today())

    def _kiriminaja_rate_failed(self, order, error):
        """The shopper reads our sentence, never KiriminAja's words about
        the shop's key; a refused key is the method's configuration error."""
        refused = self.kiriminaja_configuration_error(error)
        if refused:
            self._tracking_config_failed(refused)
            return self._tracking_unavailable_rate()
        if not isinstance(error, KiriminAjaError):
            return self._kiriminaja_no_rate(str(error))
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
