from odoo import models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    def send_shipping(self, pickings):
        """Record each shipment's price as the carrier booked it: core's
        ``exact_price`` (company currency, before the method's margins and
        free-shipping rule), with the provider's ``price_details`` when its
        result has them (its parts, see stock.picking._freight_values)."""
        results = super().send_shipping(pickings)
        # not strict: core itself only reads the first result, of one delivery
        for picking, result in zip(pickings, results, strict=False):
            picking._freight_record(
                "booked", result.get("exact_price") or 0.0, result.get("price_details")
            )
        return results
