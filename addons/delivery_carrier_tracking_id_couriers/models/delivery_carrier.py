from odoo import api, models

# Courier codes (as Biteship, KiriminAja and the other Indonesian aggregators
# book couriers) -> this module's courier with that courier's tracking page.
COURIER_CARRIERS = {
    "jne": "carrier_jne",
    "jnt": "carrier_jnt",
    "sicepat": "carrier_sicepat",
    "pos": "carrier_pos",
    "anteraja": "carrier_anteraja",
    "ninja": "carrier_ninja",
    "dhl": "carrier_dhl",
    "fedex": "carrier_fedex",
    "ups": "carrier_ups",
}


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    @api.model
    def _tracking_courier_url(self, courier_code, number):
        """The courier's page from its record here: the Tracking Link as the
        shop keeps it (edited, or removed with the record: no page)."""
        xmlid = COURIER_CARRIERS.get(str(courier_code or "").strip().lower())
        courier = xmlid and self.env.ref(
            f"delivery_carrier_tracking_id_couriers.{xmlid}", raise_if_not_found=False
        )
        return (
            courier and courier.sudo()._tracking_url(number)
        ) or super()._tracking_courier_url(courier_code, number)
