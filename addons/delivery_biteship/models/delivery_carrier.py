from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..biteship import BiteshipAuthError, BiteshipClient, BiteshipError
from ..biteship.errors import CONFIGURATION

CONNECT_TIMEOUT = 5.0


class DeliveryCarrier(models.Model):
    """Biteship's configuration and client. Payloads, rates, shipments,
    tracking and the webhook extend delivery.carrier in their own files
    (delivery_carrier_*.py)."""

    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("biteship", "Biteship")],
        ondelete={
            "biteship": lambda recs: recs.write(
                {"delivery_type": "fixed", "fixed_price": 0}
            )
        },
    )
    biteship_api_key = fields.Char(
        "Biteship API Key",
        groups="base.group_system",
        copy=False,
        help="Key from the Biteship dashboard (biteship_test.… or biteship_live.…); "
        "sent in the authorization header.",
    )
    # Where the key is sent: only managers may point it elsewhere.
    biteship_base_url = fields.Char(
        "Biteship API URL",
        groups="base.group_system",
        default="https://api.biteship.com",
    )
    biteship_courier_company = fields.Char(
        "Courier Company", help="Biteship courier code, e.g. jne, jnt, sicepat."
    )
    biteship_courier_type = fields.Char(
        "Courier Service", help="Biteship service code of that courier, e.g. reg."
    )
    biteship_services = fields.Char(
        "Courier Services",
        default="jne:reg, jnt:ez, sicepat:reg, anteraja:reg, gojek:instant, "
        "grab:instant",
        help="Comma-separated courier:service codes of Biteship's courier list, "
        "in the order shown at checkout. Instant couriers (gojek, grab, paxel, "
        "lalamove, borzo) are offered only when the warehouse and the delivery "
        "address both have coordinates.",
    )
    biteship_timeout = fields.Float(
        "Timeout (s)",
        default=15.0,
        help="Seconds to wait for each Biteship answer.",
    )
    biteship_poll_workers = fields.Integer(
        "Parallel Tracking Requests",
        default=8,
        help="Tracking requests sent at once when the tracking cron refreshes "
        "this carrier's shipments.",
    )
    biteship_reference_prefix = fields.Char(
        "Reference Prefix",
        help="Put before the delivery's name in Biteship's reference_id, which "
        "must be unique on the whole Biteship account: give each database and "
        "each company sharing one API key its own prefix (e.g. SHOP1-).",
    )
    biteship_insurance = fields.Boolean(
        "Courier Insurance",
        help="Insure each shipment for the value of its goods (in rupiah, "
        "converted with the company's rates).",
    )
    biteship_webhook_header = fields.Char(
        "Webhook Header",
        default="X-Biteship-Signature",
        help="Name of the header Biteship's dashboard adds to its webhooks; its "
        "value must equal the webhook secret.",
    )

    @api.constrains(
        "delivery_type",
        "biteship_courier_company",
        "biteship_courier_type",
        "checkout_rate_shopping",
        "biteship_services",
        "biteship_timeout",
        "biteship_poll_workers",
    )
    def _check_biteship(self):
        for carrier in self.filtered(lambda c: c.delivery_type == "biteship"):
            if carrier.checkout_rate_shopping:
                carrier._biteship_services()  # raises on a bad list
            elif not (
                carrier.biteship_courier_company and carrier.biteship_courier_type
            ):
                raise ValidationError(
                    self.env._(
                        "Biteship carrier %(name)s needs a courier company and a "
                        "courier service (e.g. jne / reg).",
                        name=carrier.name,
                    )
                )
            if not 0 < carrier.biteship_timeout <= 120:
                raise ValidationError(
                    self.env._("The Biteship timeout must be 1 to 120 s.")
                )
            if not 1 <= carrier.biteship_poll_workers <= 32:
                raise ValidationError(
                    self.env._("Parallel tracking requests must be between 1 and 32.")
                )

    def write(self, vals):
        res = super().write(vals)
        if {"biteship_api_key", "biteship_base_url"} & set(vals):
            # what Biteship refused may be fixed: ask again (and send the
            # deliveries that waited for it)
            self._tracking_config_fixed()
        return res

    # ------------------------------------------------------------------ #
    # Client
    # ------------------------------------------------------------------ #

    def _biteship_client_args(self):
        self.ensure_one()
        carrier = self.sudo()
        if not carrier.biteship_api_key:
            message = self.env._(
                "Set the Biteship API key of %(name)s first.", name=self.name
            )
            # a configuration error like a refused key (biteship_configuration_error)
            raise UserError(message) from BiteshipAuthError(message)
        return {
            "api_key": carrier.biteship_api_key,
            "base_url": carrier.biteship_base_url,
            "timeout": (
                min(CONNECT_TIMEOUT, self.biteship_timeout),
                self.biteship_timeout,
            ),
        }

    def _biteship_client(self):
        # log_xml writes ir.logging when debug logging is on; the client never
        # passes it the key.
        return BiteshipClient(
            **self._biteship_client_args(),
            log_hook=self.log_xml if self.debug_logging else None,
        )

    def _biteship_error(self, error, action):
        return UserError(
            self.env._(
                "Biteship could not %(action)s for %(carrier)s: %(error)s",
                action=action,
                carrier=self.name,
                error=error.message,
            )
        )

    @api.model
    def _biteship_cause(self, error):
        """The BiteshipError behind `error` (itself, or what a UserError was
        raised from), None for another failure."""
        cause = error if isinstance(error, BiteshipError) else error.__cause__
        return cause if isinstance(cause, BiteshipError) else None

    def biteship_configuration_error(self, error):
        """delivery_carrier_tracking's hook: Biteship's message when it
        refused the method's key, account or URL (errors.ERROR_KINDS), None
        for any other failure."""
        cause = self._biteship_cause(error) if isinstance(error, Exception) else None
        return cause.message if cause and cause.kind == CONFIGURATION else None
