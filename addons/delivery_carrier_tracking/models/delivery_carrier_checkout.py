import hashlib
import json
import time

from odoo import fields, models

from ..checkout_services import normalize_services

# One checkout page asks for the same rates several times (method list, each
# service's price, the chosen method, the order summary): one provider answer
# serves them all while the cart, the address and the weight stay the same.
CHECKOUT_RATES_SECONDS = 600
# A failure the provider asks to keep is kept briefly, so that a page does not
# ask a provider that is down again for each of its requests.
CHECKOUT_RATES_ERROR_SECONDS = 30


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
    service recorded on the order. ``_checkout_cached_rates`` keeps a
    provider's answer on the order.

    A provider that prices between its own areas raises
    ``checkout_services.CheckoutAreaError`` when the address matches several,
    adds ``CheckoutAreaError.checkout_values(order)`` to its failed rate, and
    stores the customer's pick with ``_<type>_checkout_set_area(order, key)``
    (refusing a key that is not one of the address's areas)."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    # One option for every provider (its form shows it where its services
    # are configured); the provider's hook says whether it can list them.
    checkout_rate_shopping = fields.Boolean(
        "Several Courier Services",
        help="At checkout, list every courier service this method's provider "
        "prices for the cart, each with its price and delivery time (cheapest "
        "and fastest marked), from one provider request, and let the customer "
        "choose; the chosen service is the one booked.",
    )

    def _checkout_duration_label(self, span, hours=False):
        """A provider's delivery time span ("1", "2 - 3") in words: "1 day",
        "2 - 3 days", "1 - 3 hours"; "" for none."""
        span = str(span or "").strip()
        if not span:
            return ""
        one = span == "1"
        if hours:
            if one:
                return self.env._("%(range)s hour", range=span)
            return self.env._("%(range)s hours", range=span)
        if one:
            return self.env._("%(range)s day", range=span)
        return self.env._("%(range)s days", range=span)

    def _checkout_provider_method(self, suffix):
        return self._tracking_provider_method(suffix, private=True)

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

    def _checkout_cached_rates(
        self, order, request, fetch, keep_error=None, error_from=None
    ):
        """The provider's answer to `request` (JSON-able: the rates request's
        fields) for `order`: ``fetch()`` once per method, request and 10
        minutes, the answer kept for the cart (delivery.carrier.checkout.rate,
        in SQL: the public checkout reads its cart as sudo). Unsaved orders
        are not cached. A failure raises from ``fetch``; when
        ``keep_error(error)`` describes it (a JSON-able dict, else None) it is
        kept 30 seconds and raised again as ``error_from(description)``."""
        self.ensure_one()
        if not order.id:
            return fetch()
        key = hashlib.sha256(
            json.dumps([self.id, request], sort_keys=True, default=str).encode()
        ).hexdigest()
        Rates = self.env["delivery.carrier.checkout.rate"]
        now = time.time()
        kept = Rates._checkout_read(order, key)
        if kept:
            at, answer, error = kept
            if error is not None and now - at < CHECKOUT_RATES_ERROR_SECONDS:
                raise error_from(error)
            if error is None and now - at < CHECKOUT_RATES_SECONDS:
                return answer
        try:
            answer = fetch()
        except Exception as error:
            kept_error = keep_error and error_from and keep_error(error)
            if kept_error:
                Rates._checkout_keep(order, key, now, error=kept_error)
            raise
        Rates._checkout_keep(order, key, now, answer=answer)
        return answer

    def _checkout_forget_failures(self, order):
        """Drop the failures kept for `order` (all its methods): the address
        changed in a way the cache key may not show (an area picked)."""
        self.env["delivery.carrier.checkout.rate"]._checkout_forget_failures(order)
