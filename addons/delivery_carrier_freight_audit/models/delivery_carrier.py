from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    freight_partner_id = fields.Many2one(
        "res.partner",
        "Freight Billed By",
        help="Who bills this method's freight costs (return postage included): "
        "the partner of their journal entries. Empty: the provider's own "
        "(an aggregator's), else none.",
    )

    def _freight_partner(self):
        """The partner who bills this method's freight: the method's own,
        else its provider's (``_<delivery_type>_freight_partner``)."""
        self.ensure_one()
        provider = self._tracking_provider_method("freight_partner", private=True)
        return (
            self.freight_partner_id
            or (provider and provider())
            or self.env["res.partner"]
        )

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
