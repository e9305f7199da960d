from odoo import models


def scorecard_key(company, service):
    """Biteship's courier company and service codes as the scorecard files
    them, the same at checkout and once booked: ("JNE", "REG")."""
    return (company or "").upper(), (service or "").upper()


class DeliveryCarrier(models.Model):
    """The scorecard's provider hooks (delivery_carrier_scorecard) for
    Biteship: its courier services are the scorecard's couriers and
    services."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def _biteship_scorecard_courier_service(self, picking):
        """The courier and service Biteship booked (the order's answer), else
        the one this method books for the delivery."""
        if picking.biteship_courier_company:
            return scorecard_key(
                picking.biteship_courier_company, picking.biteship_courier_type
            )
        return scorecard_key(*self._biteship_courier(picking))

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
            scorecard_key(self.biteship_courier_company, self.biteship_courier_type)
        ]
