from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..kiriminaja import KiriminAjaAuthError, KiriminAjaClient
from ..kiriminaja.client import INSTANT_COURIERS, LIVE_URL, SANDBOX_URL


class DeliveryCarrier(models.Model):
    """KiriminAja's settings on a delivery method and its client."""

    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("kiriminaja", "KiriminAja")],
        ondelete={"kiriminaja": "set default"},
    )
    kiriminaja_api_key = fields.Char(
        "KiriminAja API Key",
        groups="base.group_system",
        copy=False,
        help="The account's key (KiriminAja dashboard > Integrations), sandbox "
        "or live as the method's environment.",
    )
    kiriminaja_base_url = fields.Char(
        "KiriminAja URL",
        help="Leave empty: KiriminAja's sandbox, or its live API once the "
        "method is in production. Set only for a relay or a test server.",
    )
    kiriminaja_kind = fields.Selection(
        [("express", "Express"), ("instant", "Instant")],
        "KiriminAja Delivery",
        default="express",
        required=True,
        help="Express: parcel couriers (JNE, J&T, SiCepat...) priced between "
        "districts. Instant: same-day couriers by motorbike or car (GoSend, "
        "Grab Express, Borzo) priced between the map positions of the "
        "warehouse and the customer; they do not collect cash on delivery.",
    )
    kiriminaja_courier = fields.Char(
        "Courier Code",
        help="KiriminAja's code of the courier this method books, e.g. jne, "
        "jnt, sicepat; instant: gosend, grab_express or borzo.",
    )
    kiriminaja_service = fields.Char(
        "Service Code",
        help="KiriminAja's service_type of that courier, e.g. REG23; "
        "instant: instant or sameday.",
    )
    kiriminaja_vehicle = fields.Selection(
        [("motor", "Motorbike"), ("mobil", "Car")],
        "Vehicle",
        default="motor",
        required=True,
        help="The instant courier's vehicle: it sets the price and the parcel's size.",
    )
    kiriminaja_insurance = fields.Boolean(
        "Insure Shipments",
        help="Insure each shipment for the value of its goods (in rupiah).",
    )

    @api.constrains(
        "delivery_type",
        "kiriminaja_courier",
        "kiriminaja_service",
        "kiriminaja_kind",
        "kiriminaja_insurance",
    )
    def _check_kiriminaja_service(self):
        for carrier in self.filtered(lambda c: c.delivery_type == "kiriminaja"):
            if not (carrier.kiriminaja_courier and carrier.kiriminaja_service):
                raise ValidationError(
                    self.env._(
                        "%(method)s: a KiriminAja method needs its courier code and "
                        "service code.",
                        method=carrier.name,
                    )
                )
            if carrier.kiriminaja_kind != "instant":
                continue
            if carrier.kiriminaja_courier.lower() not in INSTANT_COURIERS:
                raise ValidationError(
                    self.env._(
                        "%(method)s: KiriminAja's instant couriers are %(codes)s, "
                        "not %(courier)s.",
                        method=carrier.name,
                        codes=", ".join(INSTANT_COURIERS),
                        courier=carrier.kiriminaja_courier,
                    )
                )
            if carrier.kiriminaja_insurance:
                # /docs/instant/pickup has no insurance field to ask for it
                raise ValidationError(
                    self.env._(
                        "%(method)s: KiriminAja's instant bookings cannot be "
                        "insured; clear Insure Shipments.",
                        method=carrier.name,
                    )
                )

    def _kiriminaja_instant(self):
        """Whether this method books KiriminAja's instant couriers."""
        self.ensure_one()
        return self.kiriminaja_kind == "instant"

    def _kiriminaja_base_url(self):
        self.ensure_one()
        if self.kiriminaja_base_url:
            return self.kiriminaja_base_url
        return LIVE_URL if self.prod_environment else SANDBOX_URL

    def _kiriminaja_client(self):
        """The API client of this method's account (KiriminAjaAuthError
        without a key): the key read as superuser, never logged."""
        self.ensure_one()
        return KiriminAjaClient(
            self.sudo().kiriminaja_api_key,
            base_url=self._kiriminaja_base_url(),
            log_hook=self.log_xml if self.debug_logging else None,
        )

    def kiriminaja_configuration_error(self, error):
        """The contract's hook: a refused or missing key is the method's
        settings, not one order's problem."""
        if isinstance(error, KiriminAjaAuthError):
            return str(error)
        return False
