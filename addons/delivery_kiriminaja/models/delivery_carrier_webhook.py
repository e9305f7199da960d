from odoo import api, fields, models

from ..kiriminaja.tracking import callback_news, instant_callback_news, shipment_key


class DeliveryCarrier(models.Model):
    """KiriminAja's callback on delivery_carrier_tracking's endpoint: one
    callback URL per KiriminAja account (set in its dashboard), events
    processed / shipped / canceled / finished / returned_packages, and
    update_instant_packages for instant ones
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
        instant = instant_callback_news(payload)
        if instant:
            # kiriminaja_webhook_apply asks the poll for its state
            return [
                {
                    "carrier_shipment_id": instant["order_id"],
                    "tracking_number": instant["awb"] or False,
                    "new_tracking_number": instant["awb"] or False,
                    "events": [],
                    "kiriminaja_instant": instant,
                }
            ]
        return [
            {
                "carrier_shipment_id": news["order_id"],
                "tracking_number": news["awb"] or False,
                "new_tracking_number": news["awb"] or False,
                "events": [self._kiriminaja_event(news)],
            }
            for news in callback_news(payload)
        ]

    def kiriminaja_webhook_apply(self, picking, shipment):
        """An instant package's callback: its live map, and a poll at once
        for its state (the callback's status words are not documented, the
        tracking answer's dates are)."""
        news = shipment.get("kiriminaja_instant")
        if not news:
            return
        picking._kiriminaja_set_live_url(news["live_url"])
        picking.tracking_next_poll_at = fields.Datetime.now()

    def kiriminaja_webhook_shipment_key(self, payload):
        """Our order id: the callbacks of one package applied in order."""
        return shipment_key(payload)

    def kiriminaja_webhook_carriers(self, shipment):  # pylint: disable=unused-argument
        """Every KiriminAja method of this one's account (same API key and
        URL): KiriminAja calls one URL per account."""
        return self._tracking_account_methods().with_env(self.env)
