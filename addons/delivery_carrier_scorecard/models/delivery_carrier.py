from odoo import fields, models


class DeliveryCarrier(models.Model):
    """The delivery time a method quotes, and the (courier, service) keys it
    offers at checkout, as its deliveries are filed once booked (the
    generic shipment_courier / shipment_service). Providers that book a
    courier company and service per delivery (aggregators) plug in through
    ``_<delivery_type>_scorecard_promise(picking)`` and
    ``_<delivery_type>_scorecard_checkout_keys(order)``."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    shipment_promise = fields.Char(
        "Quoted Delivery Time",
        help="The delivery time this method promises, e.g. '2 - 3 days' or "
        "'1 - 3 hours': stored on each delivery when it is booked, the courier "
        "scorecard measures the deliveries against it. Methods that quote "
        "one per courier service at checkout (an aggregator's services) use theirs.",
    )

    def _scorecard_provider(self, hook):
        return self._tracking_provider_method(f"scorecard_{hook}", private=True)

    def _scorecard_promise(self, picking):
        """The delivery time `picking`'s customer was quoted (text)."""
        provider = self._scorecard_provider("promise")
        return (provider(picking) if provider else "") or self.shipment_promise or ""

    def _scorecard_checkout_keys(self, order):
        """The (courier, service) keys of what this method offers `order` at
        checkout, as _tracking_booked_courier_service files them once booked. One
        key: the method's own badge; none: the method lists its services
        itself (rate shopping) and badges them there."""
        provider = self._scorecard_provider("checkout_keys")
        return (
            provider(order) if provider else [self._tracking_method_courier_service()]
        )

    def _scorecard_checkout_badges(self, order):
        """{method id: badge} for these methods at `order`'s checkout (see
        delivery.carrier.scorecard._scorecard_badges), one query for all."""
        keyed = {}
        for method in self:
            keys = method._scorecard_checkout_keys(order)
            if len(keys) == 1:
                keyed[method.id] = keys[0]
        badges = self.env["delivery.carrier.scorecard"]._scorecard_badges(
            order, list(keyed.values())
        )
        return {
            method_id: badges[key] for method_id, key in keyed.items() if key in badges
        }
