from odoo import api, fields, models
from odoo.addons.delivery_carrier_tracking.models.delivery_carrier import (
    IN_HOUSE_TYPES,
)
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_amount

COD_DISBURSEMENT = [
    ("3_days", "3 days"),
    ("5_days", "5 days"),
    ("7_days", "7 days"),
]


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    cod_allowed = fields.Boolean(
        "Cash on Delivery",
        help="Offer cash on delivery at checkout with this in-house carrier "
        "(carriers of an aggregator offer it per courier service).",
    )
    cod_fee = fields.Monetary(
        "COD Fee",
        help="Fixed fee added to the order as a line when the customer pays "
        "cash on delivery (in-house carriers).",
    )
    cod_max_amount = fields.Monetary(
        "COD Maximum",
        help="Largest order total the courier collects in cash (0: no maximum).",
    )
    cod_partner_id = fields.Many2one(
        "res.partner",
        "COD Collected By",
        help="Who collects the cash and remits it to the shop: the partner of "
        "the COD receivable lines. Empty: the carrier's company partner.",
    )
    cod_disbursement = fields.Selection(
        COD_DISBURSEMENT,
        "COD Payout Window",
        default="7_days",
        required=True,
        help="Days after delivery within which the collected cash is paid out.",
    )

    @api.constrains("cod_fee", "cod_max_amount")
    def _check_cod_amounts(self):
        for carrier in self:
            if carrier.cod_fee < 0 or carrier.cod_max_amount < 0:
                raise ValidationError(
                    self.env._(
                        "The COD fee and maximum of %(carrier)s cannot be negative.",
                        carrier=carrier.name,
                    )
                )

    def _cod_get_partner(self):
        """Partner of the COD receivable: who owes the shop the cash. The
        method's own, else its provider's (``_<delivery_type>_cod_partner``,
        an aggregator paying out its couriers' cash), else the company."""
        self.ensure_one()
        provider_partner = self._tracking_provider_method("cod_partner", private=True)
        return (
            self.cod_partner_id
            or (provider_partner and provider_partner())
            or (self.company_id or self.env.company).partner_id
        )

    def _cod_offer(self, order):
        """Whether cash on delivery can be offered for `order` with this
        carrier, and on which terms. A provider gives its own through
        ``_<delivery_type>_cod_offer(order)`` (an aggregator: from the rates
        of the chosen courier service), as core's carrier contract dispatches.

        Here: in-house carriers (fixed price, based on rules) with
        cod_allowed; fee and maximum converted to the order's currency.

        :return: {"available": bool, "fee": float (order currency), "max_amount":
            float (order currency, 0.0 = none), "reason": str (why not, for the
            customer; "" when available)}
        """
        self.ensure_one()
        provider_offer = self._tracking_provider_method("cod_offer", private=True)
        if provider_offer:
            return provider_offer(order)
        offer = {"available": False, "fee": 0.0, "max_amount": 0.0, "reason": ""}
        if self.delivery_type not in IN_HOUSE_TYPES or not self.cod_allowed:
            offer["reason"] = self.env._(
                "%(carrier)s does not offer cash on delivery.", carrier=self.name
            )
            return offer
        missing = self._cod_missing_rate(order)
        if missing:
            offer["reason"] = self.env._(
                "Cash on delivery with %(carrier)s cannot be offered in "
                "%(currency)s: the shop has no exchange rate for %(missing)s.",
                carrier=self.name,
                currency=order.currency_id.name,
                missing=missing.name,
            )
            return offer
        offer["fee"] = self._cod_to_order_currency(self.cod_fee, order)
        offer["max_amount"] = self._cod_to_order_currency(self.cod_max_amount, order)
        return self._cod_check_max(offer, order)

    def _cod_missing_rate(self, order):
        """The currency (carrier's or order's) without any rate when the fee
        and maximum need a conversion: Odoo would silently convert at 1.0."""
        self.ensure_one()
        currency = self.currency_id or order.company_id.currency_id
        if currency == order.currency_id or not (self.cod_fee or self.cod_max_amount):
            return self.env["res.currency"]
        return self._tracking_currency_without_rate(
            currency | order.currency_id, order.company_id
        )

    def _cod_check_max(self, offer, order):
        """Offer refused when the order total with the COD fee is over the
        maximum (for the provider bridges too). Returns the offer."""
        total = order.amount_total + (0.0 if order._cod_fee_lines() else offer["fee"])
        maximum = offer["max_amount"]
        if maximum and order.currency_id.compare_amounts(total, maximum) > 0:
            offer.update(
                available=False,
                reason=self.env._(
                    "Cash on delivery is available up to %(max)s with %(carrier)s; "
                    "this order comes to %(total)s.",
                    max=format_amount(self.env, maximum, order.currency_id),
                    carrier=self.name,
                    total=format_amount(self.env, total, order.currency_id),
                ),
            )
        else:
            offer.update(available=True, reason="")
        return offer

    def _cod_to_order_currency(self, amount, order):
        currency = self.currency_id or order.company_id.currency_id
        if not amount or currency == order.currency_id:
            return amount
        return currency._convert(
            amount,
            order.currency_id,
            order.company_id,
            order.date_order or fields.Date.context_today(self),
        )
