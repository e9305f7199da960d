from odoo import models
from odoo.addons.delivery_biteship.models.delivery_carrier_shipping import (
    courier_service_key,
)


class DeliveryCarrier(models.Model):
    """The scorecard's provider hooks (delivery_carrier_scorecard) for
    Biteship: its courier services are the scorecard's couriers and
    services."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def _biteship_scorecard_promise(self, picking):
        """The duration Biteship quoted at checkout for the service the
        customer chose (kept on the order), when that is the one booked."""
        order = picking.sale_id
        chosen = (order.biteship_courier_company, order.biteship_courier_type)
        booked = (picking.biteship_courier_company, picking.biteship_courier_type)
        return order.biteship_service_duration if chosen == booked else ""

    def _biteship_scorecard_checkout_keys(self, _order):
        """One courier service, or none for a rate-shopping method: each of
        its services carries its own badge (the checkout's service list)."""
        if self.checkout_rate_shopping:
            return []
        return [
            courier_service_key(
                self.biteship_courier_company, self.biteship_courier_type
            )
        ]
