import logging
import re

from odoo import api, models
from odoo.addons.delivery_carrier_tracking.checkout_services import (
    mark_cheapest_fastest,
)
from odoo.exceptions import UserError, ValidationError

from ..biteship import BiteshipAuthError, BiteshipError
from ..biteship.answers import rate_services
from ..biteship.couriers import INSTANT_COURIERS
from ..biteship.errors import KIND_ERRORS, NO_COURIER_FOR_LOCATION, error_kind

_logger = logging.getLogger(__name__)

SERVICE_CODE = re.compile(r"^[a-z0-9_]+:[a-z0-9_]+$")


class DeliveryCarrier(models.Model):
    """Biteship checkout prices (core's rate contract), rate shopping over
    several courier services, and the rupiah conversions."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def biteship_rate_shipment(self, order):
        """Checkout price of this carrier's courier service (core contract).
        In rate-shopping mode: the price of the service chosen on the order
        (or given in the context as ``checkout_service``), else the cheapest;
        ``biteship_service`` in the answer names it."""
        self.ensure_one()
        if self.checkout_rate_shopping:
            return self._biteship_rate_shopping_shipment(order)
        try:
            self._biteship_check_idr_rate(order.company_id)
            answer = self._biteship_client().get_rates(
                self._biteship_rate_payload(order)
            )
        except (UserError, BiteshipError) as error:
            return self._biteship_rate_failed(order, error)
        label = f"{self.biteship_courier_company} {self.biteship_courier_type}"
        key = f"{self.biteship_courier_company}:{self.biteship_courier_type}"
        service = next((s for s in rate_services(answer) if s["key"] == key), None)
        if not service:
            return self._biteship_no_rate(
                self.env._(
                    "%(service)s does not deliver to this address.",
                    service=label.upper(),
                )
            )
        if not self._biteship_collects(service, order.warehouse_id):
            return self._biteship_no_rate(
                self.env._(
                    "%(service)s does not take parcels the way the warehouse hands "
                    "them over (%(method)s).",
                    service=label.upper(),
                    method=self._biteship_collection_label(order.warehouse_id),
                )
            )
        return self._biteship_rate(order, service["price"])

    def _biteship_rate_shopping_shipment(self, order):
        try:
            self._biteship_check_idr_rate(order.company_id)
            options = self._biteship_rate_options(order)
        except (UserError, BiteshipError) as error:
            return self._biteship_rate_failed(order, error)
        if not options:
            return self._biteship_no_rate(
                self.env._(
                    "No courier service of %(method)s delivers to this address.",
                    method=self.name,
                )
            )
        option = self._biteship_pick_option(order, options)
        return self._biteship_rate(
            order, option["price"], biteship_service=option["key"]
        )

    def _biteship_rate(self, order, rupiah, **extra):
        """Core's rate of a Biteship price (rupiah) in the company's currency."""
        return {
            "success": True,
            "price": self._biteship_to_company_currency(rupiah, order.company_id),
            "error_message": False,
            "warning_message": False,
            **extra,
        }

    def _biteship_rate_failed(self, order, error):
        """Core's failed rate when asking Biteship failed. The shopper reads
        a sentence of ours, never Biteship's text (about the shop's key or
        account): a refused key or account is the method's configuration
        error (hidden at checkout since); our own checks (weights, postal
        code, exchange rate) say what is missing."""
        refused = self.biteship_configuration_error(error)
        if refused:
            self._tracking_config_failed(refused)
            return self._tracking_unavailable_rate()
        if not isinstance(error, BiteshipError):
            return self._biteship_no_rate(str(error))
        _logger.info("Biteship rates failed for %s: %s", order.name, error.message)
        if error.code == NO_COURIER_FOR_LOCATION:
            return self._biteship_no_rate(
                self.env._(
                    "No courier service of %(method)s delivers to this address.",
                    method=self.name,
                )
            )
        return self._biteship_no_rate(
            self.env._(
                "Courier rates are not available right now. Choose another "
                "delivery method or try again in a few minutes."
            )
        )

    def _biteship_collects(self, service, warehouse):
        """Whether a priced service (answers.rate_service) takes parcels the
        way the warehouse hands them over (its shipment_collection_method)."""
        return (
            self._biteship_collection_method(warehouse) in service["collection_methods"]
        )

    @api.model
    def _biteship_collection_method(self, warehouse):
        """origin_collection_method of the warehouse's orders: its own,
        Biteship's default (pickup) without a warehouse."""
        return warehouse.shipment_collection_method or "pickup"

    @api.model
    def _biteship_collection_label(self, warehouse):
        method = self._biteship_collection_method(warehouse)
        field = self.env["stock.warehouse"]._fields["shipment_collection_method"]
        return dict(field._description_selection(self.env))[method]

    # ------------------------------------------------------------------ #
    # Rate shopping: several courier services from one rates request
    # ------------------------------------------------------------------ #

    def _biteship_services(self):
        """[(courier company, service code)] configured on this method, in
        order. Raises a ValidationError naming a malformed entry."""
        self.ensure_one()
        services = []
        for entry in (self.biteship_services or "").split(","):
            entry = re.sub(r"\s*:\s*", ":", entry.strip().lower())
            if not entry:
                continue
            if not SERVICE_CODE.match(entry):
                raise ValidationError(
                    self.env._(
                        "%(method)s: %(entry)r is not a courier:service code "
                        "(e.g. jne:reg).",
                        method=self.name,
                        entry=entry,
                    )
                )
            service = tuple(entry.split(":"))
            if service not in services:
                services.append(service)
        if not services:
            raise ValidationError(
                self.env._(
                    "%(method)s offers several courier services: list them "
                    "(e.g. jne:reg, jnt:ez).",
                    method=self.name,
                )
            )
        return services

    @api.model
    def _biteship_coordinate(self, partner):
        """(latitude, longitude) of a partner (core's partner_latitude /
        partner_longitude), None when unknown (0, 0 is the fields' default)."""
        lat, lng = partner.partner_latitude, partner.partner_longitude
        return (lat, lng) if (lat or lng) else None

    def _biteship_order_coordinates(self, order):
        """(origin, destination) coordinates of an order, each None if unknown."""
        origin = self._biteship_origin_partner(order.warehouse_id, order.company_id)
        return (
            self._biteship_coordinate(origin),
            self._biteship_coordinate(order.partner_shipping_id),
        )

    def _biteship_rate_couriers(self, order):
        """The courier companies to price for an order and the coordinates to
        send: instant couriers only when both ends have coordinates."""
        origin, destination = self._biteship_order_coordinates(order)
        located = bool(origin and destination)
        if self.checkout_rate_shopping:
            companies = [company for company, _service in self._biteship_services()]
        else:
            companies = [self.biteship_courier_company]
        companies = [
            company
            for company in dict.fromkeys(companies)
            if located or company not in INSTANT_COURIERS
        ]
        coordinates = {}
        if located:
            coordinates = {
                "origin_latitude": origin[0],
                "origin_longitude": origin[1],
                "destination_latitude": destination[0],
                "destination_longitude": destination[1],
            }
        return companies, coordinates

    def _biteship_rates(self, order, extra=None):
        """Biteship's ``pricing`` list for the order: one
        ``POST /v1/rates/couriers`` per cart, address, weight and `extra`
        request fields (e.g. cash on delivery's amount), kept on the order (a
        failure briefly too). Raises BiteshipError / UserError."""
        self.ensure_one()
        if self.sudo().tracking_config_error:
            raise BiteshipAuthError(self.sudo().tracking_config_error)
        payload = {**self._biteship_rate_payload(order), **(extra or {})}
        if not payload["couriers"]:
            return []

        def fetch():
            try:
                answer = self._biteship_client().get_rates(payload)
            except BiteshipError as error:
                _logger.info(
                    "Biteship rates failed for %s: %s", order.name, error.message
                )
                refused = self.biteship_configuration_error(error)
                if refused:
                    self._tracking_config_failed(refused)
                raise
            return [p for p in answer.get("pricing") or [] if isinstance(p, dict)]

        # a cart priced for its delivery and for cash on delivery keeps both
        # answers; a failure other than the method's settings briefly too
        return self._checkout_cached_rates(
            order,
            [self.sudo().biteship_base_url, payload],
            fetch,
            keep_error=lambda error: (
                isinstance(error, BiteshipError)
                and not self.biteship_configuration_error(error)
                and {"error": error.message, "status": error.status, "code": error.code}
            ),
            error_from=lambda kept: KIND_ERRORS[
                error_kind(kept.get("code"), kept.get("status", 0))
            ](kept["error"], kept.get("status", 0), kept.get("code")),
        )

    def _biteship_duration_label(self, service):
        span = service["duration_range"]
        if not span:
            return service["duration"]
        return self._checkout_duration_label(
            span, hours=service["duration_unit"].startswith("hour")
        )

    def _biteship_rate_options(self, order):
        """The services of this method Biteship offers for the order, in the
        configured order, each only when it takes parcels the way the
        order's warehouse hands them over: dicts with key ("jne:reg"),
        company, service, courier_name, service_name, duration (label), hours,
        price (IDR), instant, cod, cheapest, fastest (checkout_services.py's
        rule, on ``etd_hours``)."""
        self.ensure_one()
        wanted = self._biteship_services()
        companies, _coordinates = self._biteship_rate_couriers(order)
        offered = {}
        for service in rate_services({"pricing": self._biteship_rates(order)}):
            company = service["company"]
            if (company, service["service"]) not in wanted or company not in companies:
                continue
            if not self._biteship_collects(service, order.warehouse_id):
                continue
            offered.setdefault(
                (company, service["service"]),
                {
                    "key": service["key"],
                    "company": company,
                    "service": service["service"],
                    "courier_name": service["courier_name"],
                    "service_name": service["service_name"],
                    "duration": self._biteship_duration_label(service),
                    "hours": service["hours"],
                    "etd_hours": service["hours"],
                    "price": service["price"],
                    "instant": company in INSTANT_COURIERS,
                    "cod": service["cod"],
                },
            )
        options = [offered[service] for service in wanted if service in offered]
        return mark_cheapest_fastest(options)

    def _biteship_offers_checkout_services(self):
        """Rate shopping (delivery_carrier_tracking's checkout contract)."""
        return self.checkout_rate_shopping

    def _biteship_checkout_services(self, order):
        """The rate options in the checkout contract's words
        (delivery_carrier_tracking/checkout_services.py); [] when Biteship
        cannot price them (the method's rate says why)."""
        try:
            options = self._biteship_rate_options(order)
        except (BiteshipError, UserError):
            return []
        chosen = options and self._biteship_pick_option(order, options)["key"]
        return [
            {
                "code": option["key"],
                "courier": option["company"],
                "service": option["service"],
                "name": f"{option['courier_name']} {option['service_name']}",
                "price": option["price"],
                "currency": "IDR",
                "etd": option["duration"],
                "etd_hours": option["hours"],
                "cod": option["cod"],
                "selected": option["key"] == chosen and order.carrier_id == self,
            }
            for option in options
        ]

    def _biteship_pick_option(self, order, options):
        """The option priced for the order: the one named in the context, else
        the one chosen on the order for this method, else the cheapest."""
        by_key = {option["key"]: option for option in options}
        wanted = self.env.context.get("checkout_service")
        if not wanted and order.carrier_id == self and order.biteship_courier_company:
            wanted = f"{order.biteship_courier_company}:{order.biteship_courier_type}"
        return by_key.get(wanted) or next(o for o in options if o["cheapest"])

    def _biteship_courier(self, picking):
        """(courier company, service) to book for a delivery: the service the
        customer chose on its order in rate-shopping mode, else the method's."""
        self.ensure_one()
        order = picking.sale_id
        if (
            self.checkout_rate_shopping
            and order.carrier_id == self
            and order.biteship_courier_company
        ):
            return order.biteship_courier_company, order.biteship_courier_type
        if self.biteship_courier_company and self.biteship_courier_type:
            return self.biteship_courier_company, self.biteship_courier_type
        raise UserError(
            self.env._(
                "%(picking)s has no courier service: choose one of %(method)s's "
                "services on its order (delivery method) first.",
                picking=picking.display_name,
                method=self.name,
            )
        )

    @api.model
    def _biteship_no_rate(self, message):
        return {
            "success": False,
            "price": 0.0,
            "error_message": message,
            "warning_message": False,
        }

    @api.model
    def _biteship_check_idr_rate(self, company):
        """Biteship prices are in IDR: refused without an IDR rate (the
        contract's one currency rule)."""
        self._tracking_check_currency_rates(self.env.ref("base.IDR"), company)

    @api.model
    def _biteship_to_company_currency(self, amount, company):
        try:
            amount = float(amount)
        except (TypeError, ValueError) as e:
            raise UserError(
                self.env._("Biteship sent a price that is not a number.")
            ) from e
        return self._tracking_convert(
            amount, self.env.ref("base.IDR"), company.currency_id, company
        )
