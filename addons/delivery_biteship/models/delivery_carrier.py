import hmac
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..biteship import BiteshipClient, BiteshipError

_logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0


class DeliveryCarrier(models.Model):
    # Payloads, shipments and tracking live in their own mixins (one concern
    # per file); this class keeps configuration, the client and rates.
    _name = "delivery.carrier"
    _inherit = (
        "delivery.carrier",
        "biteship.carrier.payload",
        "biteship.carrier.shipping",
        "biteship.carrier.tracking",
    )

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
        "biteship_timeout",
        "biteship_poll_workers",
    )
    def _check_biteship(self):
        for carrier in self.filtered(lambda c: c.delivery_type == "biteship"):
            if not (carrier.biteship_courier_company and carrier.biteship_courier_type):
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

    # ------------------------------------------------------------------ #
    # Client
    # ------------------------------------------------------------------ #

    def _biteship_client_args(self):
        self.ensure_one()
        carrier = self.sudo()
        if not carrier.biteship_api_key:
            raise UserError(
                self.env._(
                    "Set the Biteship API key of %(name)s first.", name=self.name
                )
            )
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

    # ------------------------------------------------------------------ #
    # Rates (core provider contract) and currency
    # ------------------------------------------------------------------ #

    def biteship_rate_shipment(self, order):
        """Checkout price of this carrier's courier service (core contract)."""
        self.ensure_one()
        try:
            self._biteship_check_idr_rate(order.company_id)
            answer = self._biteship_client().get_rates(
                self._biteship_rate_payload(order)
            )
        except UserError as error:
            return self._biteship_no_rate(str(error))
        except BiteshipError as error:
            _logger.info("Biteship rates failed for %s: %s", order.name, error.message)
            return self._biteship_no_rate(
                self.env._(
                    "Biteship rates are not available right now: %s", error.message
                )
            )
        for price in answer.get("pricing") or []:
            if (price.get("courier_code") or price.get("company")) == (
                self.biteship_courier_company
            ) and (price.get("courier_service_code") or price.get("type")) == (
                self.biteship_courier_type
            ):
                return {
                    "success": True,
                    "price": self._biteship_to_company_currency(
                        price.get("price"), order.company_id
                    ),
                    "error_message": False,
                    "warning_message": False,
                }
        return self._biteship_no_rate(
            self.env._(
                "%(courier)s %(service)s does not deliver to this address.",
                courier=self.biteship_courier_company.upper(),
                service=self.biteship_courier_type.upper(),
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
        """Biteship prices are in IDR. Without an IDR rate Odoo converts 1:1
        (IDR 9,000 would become USD 9,000): refuse instead."""
        idr = self.env.ref("base.IDR")
        if company.currency_id == idr:
            return
        has_rate = self.env["res.currency.rate"].search_count(
            [
                ("currency_id", "=", idr.id),
                ("company_id", "in", (False, company.root_id.id)),
            ],
            limit=1,
        )
        if not has_rate:
            raise UserError(
                self.env._(
                    "Biteship prices are in IDR, but %(company)s has no IDR exchange "
                    "rate to convert them to %(currency)s. Add an IDR rate in the "
                    "currency settings.",
                    company=company.name,
                    currency=company.currency_id.name,
                )
            )

    @api.model
    def _biteship_to_company_currency(self, amount, company):
        try:
            amount = float(amount)
        except (TypeError, ValueError) as e:
            raise UserError(
                self.env._("Biteship sent a price that is not a number.")
            ) from e
        self._biteship_check_idr_rate(company)
        idr = self.env.ref("base.IDR")
        return idr._convert(amount, company.currency_id, company, fields.Date.today())

    def _tracking_webhook_verify(self, raw_body, headers):
        # Biteship's dashboard sends a fixed header (name and value chosen
        # there) rather than a signature; the generic HMAC scheme stays valid
        # for relays that sign.
        if self.delivery_type == "biteship" and self.biteship_webhook_header:
            secret = self.sudo().tracking_webhook_secret
            sent = headers.get(self.biteship_webhook_header)
            if secret and sent:
                return hmac.compare_digest(sent.strip().encode(), secret.encode())
        return super()._tracking_webhook_verify(raw_body, headers)
