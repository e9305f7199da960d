from odoo import api, models

from ..kiriminaja.tracking import callback_news, shipment_key


class DeliveryCarrier(models.Model):
    """KiriminAja's callback on delivery_carrier_tracking's endpoint: one
    callback URL per KiriminAja account (set in its dashboard), events
    processed / shipped / canceled / finished / returned_packages
    (https://developer.kiriminaja.com/docs/webhook/event)."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    @api.private
    def kiriminaja_webhook_auth(self):
        """KiriminAja sends ``Authorization: Bearer {api_key}``
        (/docs/webhook/event, "HTTP Headers"): the bearer token is the
        method's Webhook Secret when the shop set one (a token agreed with
        KiriminAja), else the account's API key. Private: the answer holds
        the secret, never for XML-RPC."""
        carrier = self.sudo()
        return {
            "mode": "bearer",
            "secret": carrier.tracking_webhook_secret or carrier.kiriminaja_api_key,
        }

    def kiriminaja_webhook_events(self, payload, headers):  # pylint: disable=unused-argument
        """A callback -> the contract's shipments, one per package of its
        ``data``. The bearer token proves KiriminAja sent it, so its news is
        applied as it comes; the contract drops resent events (their keys)
        and never moves a shipment back (an old event arriving late)."""
        if not isinstance(payload, dict):
            return []
        return [
            {
                "carrier_shipment_id": news["order_id"],
                "tracking_number": news["awb"] or False,
                "new_tracking_number": news["awb"] or False,
                "events": [self._kiriminaja_event(news)],
            }
            for news in callback_news(payload)
        ]

    def kiriminaja_webhook_shipment_key(self, payload):
        """Our order id: the callbacks of one package applied in order."""
        return shipment_key(payload)

    def kiriminaja_webhook_carriers(self, shipment):  # pylint: disable=unused-argument
        """Every KiriminAja method of this one's account (same API key and
        URL): KiriminAja calls one URL per account."""
        return self._tracking_account_methods().with_env(self.env)
