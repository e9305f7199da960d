from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..kiriminaja import KiriminAjaAuthError, KiriminAjaClient
from ..kiriminaja.client import LIVE_URL, SANDBOX_URL


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
    kiriminaja_courier = fields.Char(
        "Courier Code",
        help="KiriminAja's code of the courier this method books, e.g. jne, "
        "jnt, sicepat.",
    )
    kiriminaja_service = fields.Char(
        "Service Code",
        help="KiriminAja's service_type of that courier, e.g. REG23.",
    )
    kiriminaja_insurance = fields.Boolean(
        "Insure Shipments",
        help="Insure each shipment for the value of its goods (in rupiah).",
    )

    @api.constrains("delivery_type", "kiriminaja_courier", "kiriminaja_service")
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
