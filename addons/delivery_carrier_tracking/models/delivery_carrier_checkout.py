from odoo import models

from ..checkout_services import normalize_services


class DeliveryCarrier(models.Model):
    """Rate shopping, the provider contract: one delivery method offers
    several courier services of its provider at checkout. A provider plugs in
    with two methods named after its delivery_type:

    - ``_<type>_offers_checkout_services()``: whether this method lists its
      services (e.g. a "several courier services" option on the method);
    - ``_<type>_checkout_services(order)``: the services offered for the
      order (checkout_services.py describes the dicts), from one provider
      request per cart, address and weight (the provider keeps the answer on
      the order); [] when it cannot price them.

    and its ``<type>_rate_shipment`` / the order's ``set_delivery_line`` price
    and record the service named in the context's ``checkout_service``, else
    the one chosen on the order, else the cheapest; its booking books the
    service recorded on the order."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def _checkout_provider_method(self, suffix):
        self.ensure_one()
        return getattr(self, f"_{self.delivery_type}_{suffix}", None)

    def _offers_checkout_services(self):
        """Whether this method lists several courier services at checkout."""
        if len(self) != 1:
            return False
        offers = self._checkout_provider_method("offers_checkout_services")
        return bool(offers and offers())

    def _get_checkout_services(self, order):
        """The courier services this method offers for `order`, in the
        provider's order with the cheapest and the fastest marked; [] for a
        method without services."""
        if not self._offers_checkout_services():
            return []
        services = self._checkout_provider_method("checkout_services")(order)
        return normalize_services(services)
