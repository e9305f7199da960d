from odoo.addons.delivery_biteship.models.delivery_carrier_shipping import (
    courier_service_key,
)
from odoo.addons.website_sale_delivery_services.controllers.delivery import (
    DeliveryServices,
)
from odoo.http import request


class BiteshipScorecardDelivery(DeliveryServices):
    def _checkout_services_values(self, carrier, order):
        """Each Biteship service with its on-time badge (False without one),
        when the website shows them: one query for all the services."""
        services = super()._checkout_services_values(carrier, order)
        if not (
            services
            and carrier.delivery_type == "biteship"
            and order.website_id.scorecard_badges
        ):
            return services
        keys = {
            service["key"]: courier_service_key(service["courier"], service["service"])
            for service in services
        }
        badges = request.env["delivery.carrier.scorecard"]._scorecard_badges(
            order, keys.values()
        )
        for service in services:
            service["scorecard_badge"] = badges.get(keys[service["key"]], False)
        return services
