import logging

from odoo import models
from odoo.addons.delivery_kiriminaja.kiriminaja import KiriminAjaError
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

_logger = logging.getLogger(__name__)


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    def _kiriminaja_cod_offer(self, order):
        """Cash on delivery through KiriminAja: only when the courier service
        the order ships with says ``cod`` in KiriminAja's rates
        (/docs/pricing/express, the rates the checkout priced the cart with,
        kept on the order), with the COD fee of its ``setting`` converted to
        the order's currency. KiriminAja documents no maximum COD amount
        (developer.kiriminaja.com: /docs/pricing/express, /docs/order/express,
        /docs/order/insurance-cod-nb): the method's COD Maximum only."""
        self.ensure_one()
        if self._kiriminaja_instant():
            # /docs/instant/service-list: "instant deliveries do not support
            # COD": refused without asking for rates
            return self._kiriminaja_cod_refusal(
                self.env._(
                    "KiriminAja's instant couriers do not collect cash on "
                    "delivery: choose an express delivery method or pay online."
                )
            )
        try:
            courier, service_type = self._kiriminaja_order_service(order)
            code = self._kiriminaja_code(courier, service_type)
            label = f"{courier} {service_type}".upper()
            service = next(
                (
                    s
                    for s in self._kiriminaja_rate_services(order, cod=True)
                    if s["code"] == code
                ),
                None,
            )
            if not service:
                return self._kiriminaja_cod_refusal(
                    self.env._(
                        "%(service)s does not deliver to this address.",
                        service=label,
                    )
                )
            if not service["cod"]:
                return self._kiriminaja_cod_refusal(
                    self.env._(
                        "%(service)s does not collect cash on delivery: choose "
                        "another courier service or pay online.",
                        service=label,
                    )
                )
            offer = {
                "available": True,
                "fee": self._kiriminaja_convert(
                    service["cod_fee"],
                    self.env.ref("base.IDR"),
                    order.currency_id,
                    order.company_id,
                ),
                "max_amount": self._kiriminaja_convert(
                    self.cod_max_amount,
                    self.currency_id or order.company_id.currency_id,
                    order.currency_id,
                    order.company_id,
                ),
                "reason": "",
            }
        except UserError as error:
            return self._kiriminaja_cod_refusal(str(error))
        except KiriminAjaError as error:
            refused = self.kiriminaja_configuration_error(error)
            if refused:
                # the shop's key: the method's settings, never the customer's
                self._tracking_config_failed(refused)
            else:
                _logger.info(
                    "KiriminAja rates for cash on delivery failed for %s: %s",
                    order.name,
                    error,
                )
            return self._kiriminaja_cod_refusal(
                self.env._(
                    "Cash on delivery cannot be checked with the courier right now; "
                    "try again in a few minutes or pay online."
                )
            )
        return self._cod_check_max(offer, order)

    def _kiriminaja_cod_refusal(self, reason):
        return {"available": False, "fee": 0.0, "max_amount": 0.0, "reason": reason}

    def _kiriminaja_cod_partner(self):
        """KiriminAja collects its couriers' cash and pays it out: its partner
        holds the COD receivable unless the method names another."""
        return self.env.ref(
            "delivery_kiriminaja_cod.partner_kiriminaja", raise_if_not_found=False
        )

    def _kiriminaja_goods_lines(self, order):
        # the COD fee is quoted on the goods' value: not part of it
        return super()._kiriminaja_goods_lines(order) - order._cod_fee_lines()

    def _kiriminaja_cod_amount(self, picking):
        """The delivery's cash to collect in whole rupiah (request_pickup's
        ``cod``, /docs/order/express), converted with the contract's one
        currency rule: a currency without a rate is refused before anything
        is booked."""
        amount = picking._get_cod_amount_to_collect()
        currency = picking.sale_id.currency_id or picking.company_id.currency_id
        if float_is_zero(amount, precision_rounding=currency.rounding):
            return super()._kiriminaja_cod_amount(picking)
        return round(
            self._kiriminaja_convert(
                amount, currency, self.env.ref("base.IDR"), picking.company_id
            )
        )
