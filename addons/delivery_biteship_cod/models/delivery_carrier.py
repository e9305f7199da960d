import logging

from odoo import fields, models
from odoo.addons.delivery_biteship.biteship import BiteshipError
from odoo.addons.delivery_biteship.biteship.answers import rate_service
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero

_logger = logging.getLogger(__name__)

# Biteship collects at most IDR 15,000,000 per order
# (destination_cash_on_delivery, https://biteship.com/id/docs/api/rates/retrieve
# and https://biteship.com/id/docs/api/orders/create).
BITESHIP_COD_MAX_IDR = 15_000_000


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    def _biteship_cod_offer(self, order):
        """Cash on delivery through Biteship ("Rates with COD Fee",
        https://biteship.com/id/docs/api/rates/retrieve): only when the
        courier service the order ships with says
        ``available_for_cash_on_delivery`` in the rates the checkout priced
        the cart with (kept on the order: no request for that), up to
        Biteship's IDR 15,000,000 (or the method's lower COD maximum). The
        fee is the ``cash_on_delivery_fee`` Biteship quotes for collecting
        the order's total, which only a rates request carrying that amount
        and the payout window gets: one per cart and total, kept on the
        order as well."""
        try:
            company, service = self._biteship_cod_service(order)
            refusal = self._biteship_cod_refusal_for(
                self._biteship_cod_pricing(order, company, service), company, service
            )
            if refusal:
                return refusal
            offer = self._cod_check_max(
                {
                    "available": True,
                    "fee": 0.0,
                    "max_amount": self._biteship_cod_max(order),
                    "reason": "",
                },
                order,
            )
            if not offer["available"]:
                return offer  # over the maximum already: no fee to ask for
            # the total before any COD fee line: the fee is quoted on it
            total = order.amount_total - sum(
                order._cod_fee_lines().mapped("price_total")
            )
            cod = {
                "destination_cash_on_delivery": self._biteship_to_idr(
                    total, order.currency_id, order.company_id
                ),
                "destination_cash_on_delivery_type": self.cod_disbursement,
            }
            price = self._biteship_cod_pricing(order, company, service, cod)
            refusal = self._biteship_cod_refusal_for(price, company, service)
            if refusal:
                return refusal
            fee = float(price.get("cash_on_delivery_fee") or 0.0)
        except (UserError, ValidationError) as error:
            return self._biteship_cod_refusal(str(error))
        except (TypeError, ValueError):
            return self._biteship_cod_refusal(
                self.env._("Biteship sent a cash-on-delivery fee that is not a number.")
            )
        except BiteshipError as error:
            _logger.info(
                "Biteship rates for cash on delivery failed for %s: %s",
                order.name,
                error.message,
            )
            return self._biteship_cod_refusal(
                self.env._(
                    "Cash on delivery cannot be checked with the courier right now; "
                    "try again in a few minutes or pay online."
                )
            )
        offer["fee"] = self.env.ref("base.IDR")._convert(
            fee,
            order.currency_id,
            order.company_id,
            order.date_order or fields.Date.context_today(self),
        )
        return self._cod_check_max(offer, order)

    def _biteship_cod_max(self, order):
        """Biteship's IDR 15,000,000 in the order's currency, or the method's
        own lower COD maximum."""
        maximum = self.env.ref("base.IDR")._convert(
            BITESHIP_COD_MAX_IDR,
            order.currency_id,
            order.company_id,
            order.date_order or fields.Date.context_today(self),
        )
        if self.cod_max_amount:
            maximum = min(
                maximum, self._cod_to_order_currency(self.cod_max_amount, order)
            )
        return maximum

    def _biteship_cod_refusal_for(self, price, company, service):
        """The refusal when Biteship's pricing entry `price` of the service
        does not deliver or does not collect cash; None when it does."""
        label = f"{company.upper()} {service.upper()}"
        if price is None:
            return self._biteship_cod_refusal(
                self.env._(
                    "%(service)s does not deliver to this address.", service=label
                )
            )
        if not price.get("available_for_cash_on_delivery"):
            return self._biteship_cod_refusal(
                self.env._(
                    "%(service)s does not collect cash on delivery: choose another "
                    "courier service or pay online.",
                    service=label,
                )
            )
        return None

    def _biteship_cod_partner(self):
        """Biteship collects its couriers' cash and pays it out: its partner
        holds the COD receivable unless the method names another."""
        return self.env.ref(
            "delivery_biteship_cod.partner_biteship", raise_if_not_found=False
        )

    def _biteship_cod_refusal(self, reason):
        return {"available": False, "fee": 0.0, "max_amount": 0.0, "reason": reason}

    def _biteship_cod_service(self, order):
        """(courier company, service) the order would ship with: the service
        chosen on the order (or in the context) in rate-shopping mode, else
        the method's fixed one."""
        self.ensure_one()
        if not self.checkout_rate_shopping:
            return self.biteship_courier_company, self.biteship_courier_type
        options = self._biteship_rate_options(order)
        if not options:
            raise UserError(
                self.env._(
                    "No courier service of %(method)s delivers to this address.",
                    method=self.name,
                )
            )
        option = self._biteship_pick_option(order, options)
        return option["company"], option["service"]

    def _biteship_cod_pricing(self, order, company, service, cod=None):
        """The service's entry of Biteship's pricing for the order (the rates
        kept on the order; asked with the COD fields `cod`, if any), None
        when Biteship does not offer it."""
        self._biteship_check_idr_rate(order.company_id)
        key = f"{company}:{service}"
        return next(
            (
                price
                for price in self._biteship_rates(order, cod)
                if (rate_service(price) or {}).get("key") == key
            ),
            None,
        )

    def _biteship_order_payload(self, picking):
        """The delivery's cash to collect goes with its Biteship order, in
        whole rupiah, with the shop's payout window
        (destination_cash_on_delivery / _type,
        https://biteship.com/id/docs/api/orders/create). Raised before any
        order exists: nothing is booked without it."""
        payload = super()._biteship_order_payload(picking)
        amount = picking._get_cod_amount_to_collect()
        currency = picking.sale_id.currency_id or picking.company_id.currency_id
        if float_is_zero(amount, precision_rounding=currency.rounding):
            return payload
        # refuses a currency without a rate instead of converting 1:1
        rupiah = self._biteship_to_idr(amount, currency, picking.company_id)
        if rupiah > BITESHIP_COD_MAX_IDR:
            # format(), not f-strings, inside _(): the translation export
            # (babel) cannot read an f-string in the call and skips the file
            raise UserError(
                self.env._(
                    "%(picking)s: Biteship collects at most IDR %(max)s in cash "
                    "on delivery, this delivery would collect IDR %(amount)s. "
                    "Nothing was booked.",
                    picking=picking.name,
                    max=format(BITESHIP_COD_MAX_IDR, ","),
                    amount=format(rupiah, ","),
                )
            )
        payload["destination_cash_on_delivery"] = rupiah
        payload["destination_cash_on_delivery_type"] = self.cod_disbursement
        return payload
