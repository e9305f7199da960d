from odoo import models

from ..biteship_price import is_returning, price_details


class DeliveryCarrier(models.Model):
    """Biteship's parts of a price (shipment fee, COD, insurance and proof
    of delivery fees) for the freight audit: at booking and in order.price
    webhooks, in the contract's ``price_details``."""

    _inherit = "delivery.carrier"

    def biteship_booking_adopt(self, picking, order):
        result = super().biteship_booking_adopt(picking, order)
        result["price_details"] = self._biteship_price_details(
            order, picking.company_id
        )
        return result

    def biteship_webhook_events(self, payload, headers):
        shipments = super().biteship_webhook_events(payload, headers)
        if isinstance(payload, dict) and payload.get("event") == "order.price":
            company = self.company_id or self.env.company
            for shipment in shipments:
                # no price: not confirmed, or not converted (no IDR rate)
                if shipment.get("price") is not False:
                    shipment["price_details"] = self._biteship_price_details(
                        shipment.get("biteship_order"), company, payload
                    )
        return shipments

    def _biteship_price_details(self, order, company, webhook=None):
        """The contract's price_details of a confirmed Biteship order (and
        the order.price webhook about it), in the company's currency."""
        _price, parts, raw = price_details(order, webhook)
        details = {
            key: self._biteship_to_company_currency(value, company)
            for key, value in parts.items()
            if value is not None
        }
        details["returning"] = is_returning(order)
        details["raw"] = raw
        return details

    def _biteship_freight_partner(self):
        """Biteship bills its couriers' freight: its partner (made by the COD
        bridge, which pays out through it) when installed."""
        return (
            self.env.ref(
                "delivery_biteship_cod.partner_biteship", raise_if_not_found=False
            )
            or self.env["res.partner"]
        )
