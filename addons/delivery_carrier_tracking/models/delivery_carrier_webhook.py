import hashlib
import hmac
import re
import time

from odoo import models

from ..shipment_rules import MAX_CLOCK_SKEW

# seconds between the sender's timestamp and ours
WEBHOOK_MAX_SKEW = int(MAX_CLOCK_SKEW.total_seconds())
TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")  # ASCII digits only, unlike isdigit()
SIGNATURE_RE = re.compile(r"[0-9a-fA-F]{64}")
# hmac: the in-house signature (X-Tracking-Timestamp / X-Tracking-Signature);
# header: a fixed header whose value is the secret; bearer: "Authorization:
# Bearer <secret>".
WEBHOOK_AUTH_MODES = ("hmac", "header", "bearer")


def _same_secret(sent, secret):
    """Whether a header's value is the secret, in constant time (as bytes:
    compare_digest refuses non-ASCII text)."""
    if not sent:
        return False
    return hmac.compare_digest(sent.strip().encode(), secret.encode())


class DeliveryCarrier(models.Model):
    """The tracking webhook (controllers/webhook.py): verification, parsing
    by the provider, matching to deliveries and parcels, applying."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ #
    # Verification: one of WEBHOOK_AUTH_MODES, chosen by the provider
    # ------------------------------------------------------------------ #

    def _tracking_webhook_auth(self):
        """How this carrier's webhooks prove where they come from: the
        provider's <delivery_type>_webhook_auth() if it has one, else the
        in-house HMAC. A dict:

        - ``mode``: one of WEBHOOK_AUTH_MODES;
        - ``secret``: what is compared (default: the carrier's Webhook Secret);
        - ``header``: the header carrying it in ``header`` mode;
        - ``hmac_too``: relays that sign with the in-house scheme (same
          secret) are accepted as well;
        - ``ping``: a predicate over the raw body, true for the provider's
          unauthenticated URL check (a body that must write nothing)."""
        self.ensure_one()
        provider = self._tracking_provider_method("webhook_auth")
        auth = {"mode": "hmac", **(provider() if provider else {})}
        if auth["mode"] not in WEBHOOK_AUTH_MODES:
            raise ValueError(f"unknown webhook authentication {auth['mode']!r}")
        if "secret" not in auth:
            auth["secret"] = self.sudo().tracking_webhook_secret
        return auth

    def _tracking_webhook_is_ping(self, raw_body, auth=None):
        """Whether the body is the provider's unauthenticated URL check
        (accepted unsigned, so it must write nothing)."""
        self.ensure_one()
        auth = auth or self._tracking_webhook_auth()
        return bool(auth.get("ping") and auth["ping"](raw_body))

    def _tracking_webhook_verify(self, raw_body, headers):
        """Whether a webhook posted to this carrier's URL comes from the
        carrier, by its provider's mode (_tracking_webhook_auth). Secrets are
        compared in constant time; an unset secret accepts nothing."""
        self.ensure_one()
        auth = self._tracking_webhook_auth()
        if self._tracking_webhook_is_ping(raw_body, auth):
            return True
        secret = auth["secret"]
        if not secret:
            return False
        signs = auth["mode"] == "hmac" or auth.get("hmac_too")
        if signs and self._tracking_webhook_verify_hmac(raw_body, headers, secret):
            return True
        if auth["mode"] == "header":
            return _same_secret(headers.get(auth["header"]), secret)
        if auth["mode"] == "bearer":
            scheme, _sep, token = (headers.get("Authorization") or "").partition(" ")
            return scheme.lower() == "bearer" and _same_secret(token, secret)
        return False

    def _tracking_webhook_verify_hmac(self, raw_body, headers, secret=None):
        """The in-house scheme, also for providers whose relays sign: HMAC-SHA256
        over "<timestamp>." + body with the carrier's secret, within 300 s."""
        self.ensure_one()
        secret = secret or self.sudo().tracking_webhook_secret
        timestamp = (headers.get("X-Tracking-Timestamp") or "").strip()
        signature = (headers.get("X-Tracking-Signature") or "").strip()
        # Anything but ASCII digits and a hex digest is refused as it comes:
        # int() and compare_digest() would raise on other characters.
        if not (
            secret
            and TIMESTAMP_RE.fullmatch(timestamp)
            and SIGNATURE_RE.fullmatch(signature)
        ):
            return False
        if abs(time.time() - int(timestamp)) > WEBHOOK_MAX_SKEW:
            return False
        expected = hmac.new(
            secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.lower().encode())

    # ------------------------------------------------------------------ #
    # Parsing, matching and applying
    # ------------------------------------------------------------------ #

    def _tracking_webhook_events(self, payload, headers):
        parse = self._tracking_provider_method("webhook_events")
        if not parse:
            raise ValueError(f"carrier type {self.delivery_type} has no webhook")
        return parse(payload, headers)

    def _tracking_webhook_apply(self, shipments):
        """Apply the parsed shipments of a verified webhook, each in its own
        savepoint. Raises UserError or ValueError on the first one the carrier
        got wrong (those before it stay applied).

        :return: (applied, unknown) counts
        """
        self.ensure_one()
        applied = unknown = 0
        for shipment in shipments:
            picking, parcels = self._tracking_webhook_parcels(shipment)
            if not picking:
                unknown += 1
                continue
            with self.env.cr.savepoint():
                # news: no poll of it before the carrier's interval (first,
                # so that a provider may still ask for one sooner below)
                picking._tracking_note_news()
                if shipment.get("new_tracking_number"):
                    picking._tracking_set_number(
                        shipment["new_tracking_number"], parcels=parcels
                    )
                # False means "no price" (0.0 is a price)
                price = shipment.get("price")
                if price is not None and price is not False:
                    picking._tracking_set_price(
                        price, details=shipment.get("price_details")
                    )
                picking._tracking_apply_events(
                    shipment.get("events") or [], parcels=parcels
                )
                # what else a provider's webhook carries (e.g. a live link)
                provider_apply = picking.carrier_id._tracking_provider_method(
                    "webhook_apply"
                )
                if provider_apply:
                    provider_apply(picking, shipment)
            applied += 1
        return applied, unknown

    def _tracking_webhook_shipment_key(self, payload):
        """Which shipment a verified payload is about, read before it is
        parsed (the accepted webhooks of one shipment are applied in order):
        the provider's <delivery_type>_webhook_shipment_key(payload), else
        the generic format's shipment id or tracking number. False: none
        (applied in any order)."""
        provider = self._tracking_provider_method("webhook_shipment_key")
        if provider:
            key = provider(payload)
        elif isinstance(payload, dict):
            key = payload.get("carrier_shipment_id") or payload.get("tracking_number")
        else:
            key = False
        return key[:128] if isinstance(key, str) and key else None

    def _tracking_webhook_carriers(self, shipment):
        """The carriers whose deliveries a webhook posted to this carrier's URL
        may be about: this one, or those its provider names with
        <delivery_type>_webhook_carriers(shipment) (one URL for all the
        delivery methods of one carrier account)."""
        provider = self._tracking_provider_method("webhook_carriers")
        return provider(shipment) if provider else self

    def _tracking_webhook_parcels(self, shipment):
        """The delivery of this carrier a webhook's shipment is about, and
        its parcels with the shipment's tracking number (exact match through
        the index; none: the shipment is the whole delivery)."""
        Picking = self.env["stock.picking"].sudo()
        Parcel = self.env["stock.picking.parcel"].sudo()
        number = shipment.get("tracking_number")
        carriers = self._tracking_webhook_carriers(shipment)
        picking = Picking
        if shipment.get("carrier_shipment_id"):
            picking = Picking.search(
                [
                    ("carrier_id", "in", carriers.ids),
                    ("carrier_shipment_id", "=", shipment["carrier_shipment_id"]),
                ],
                limit=1,
            )
        if not number:
            return picking, Parcel
        domain = [("carrier_id", "in", carriers.ids), ("tracking_number", "=", number)]
        if picking:
            domain.append(("picking_id", "=", picking.id))
        parcels = Parcel.search(domain, order="id")
        if picking:
            return picking, parcels
        picking = parcels[:1].picking_id
        return picking, parcels.filtered(lambda p: p.picking_id == picking)
