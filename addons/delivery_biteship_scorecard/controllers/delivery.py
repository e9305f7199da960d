from odoo.addons.website_sale_biteship.controllers.delivery import BiteshipDelivery
from odoo.http import request

from ..models.delivery_carrier import scorecard_key


class BiteshipScorecardDelivery(BiteshipDelivery):
    def _biteship_services_values(self, carrier, order):
        """Each service with its on-time badge (False without one), when the
        website shows them: one query for all the services."""
        services = super()._biteship_services_values(carrier, order)
        if not (services and order.website_id.scorecard_badges):
            return services
        keys = {
            service["key"]: scorecard_key(*service["key"].split(":", 1))
            for service in services
        }
        badges = request.env["delivery.carrier.scorecard"]._scorecard_badges(
            order, keys.values()
        )
        for service in services:
            service["scorecard_badge"] = badges.get(keys[service["key"]], False)
        return services
