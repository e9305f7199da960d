import logging

from odoo import models
from odoo.exceptions import UserError

from ..biteship import BiteshipError, BiteshipNotFound
from ..biteship.tracking import is_install_ping, order_news, webhook_news

_logger = logging.getLogger(__name__)
# The events Biteship's dashboard offers (https://biteship.com/id/docs/api/webhook)
WEBHOOK_EVENTS = ("order.status", "order.waybill_id", "order.price")


class DeliveryCarrier(models.Model):
    """Biteship's webhook (delivery_carrier_tracking's endpoint): its header
    check, and each webhook confirmed with Biteship before it is applied."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def biteship_webhook_auth(self):
        """Biteship's dashboard sends a fixed header (name and value chosen
        there) rather than a signature: its value must equal the webhook
        secret. The in-house HMAC stays valid for relays that sign, and is the
        only proof when no header is named."""
        # Biteship's dashboard checks a new webhook URL with an empty POST
        # (or "{}") without its header: anything but 200 and it refuses the
        # URL. Such a body writes nothing, so it needs no proof.
        if not self.biteship_webhook_header:
            return {"mode": "hmac", "ping": is_install_ping}
        return {
            "mode": "header",
            "header": self.biteship_webhook_header,
            "hmac_too": True,
            "ping": is_install_ping,
        }

    def biteship_webhook_events(self, payload, headers):  # pylint: disable=unused-argument
        """Biteship webhooks order.status / order.waybill_id / order.price ->
        the contract's list (empty for other events and dashboard pings).

        Biteship does not sign webhooks (a static header): one is a hint,
        confirmed by one GET /v1/orders/:id whose answer (status, waybill,
        price, courier link, driver) is what gets applied. A forged or late
        older status thus records only what Biteship says now."""
        if not isinstance(payload, dict):
            return []
        hint = webhook_news(payload)
        order_id, kind = hint["order_id"], hint["event"]
        if not order_id or kind not in WEBHOOK_EVENTS:
            return []
        try:
            order = self._biteship_client().get_order(order_id)
        except BiteshipNotFound:
            return []  # not an order of this account (by Biteship's code)
        except BiteshipError as error:
            # A revoked key: the method's error, recorded as by checkout,
            # booking and poll. Answered 200 with nothing applied: an error
            # answer would only make Biteship resend it against the same key,
            # and the poll reads the order's status once the key is fixed.
            refused = self.biteship_configuration_error(error)
            if refused:
                self._tracking_config_failed(refused)
                return []
            raise self._biteship_error(
                error, self.env._("confirm webhook of order %s", order_id)
            ) from error
        # the webhook's own time only if it is about the order's status now
        news = order_news(order, hint)
        events = []
        if kind == "order.status" and news["current"]:
            events = [self._biteship_event(news["current"], order_id)]
        price = False
        if kind == "order.price" and order.get("price") is not None:
            try:
                price = self._biteship_to_company_currency(
                    order["price"], self.company_id or self.env.company
                )
            except UserError as error:
                # Informative only: a webhook answered 500 would be resent forever.
                _logger.warning("Biteship order.price not converted: %s", error)
        return [
            {
                "carrier_shipment_id": order_id,
                "tracking_number": news["waybill"] or False,
                "events": events,
                "new_tracking_number": news["waybill"] or False,
                "price": price,
                "courier_company": news["courier"]["company"]
                or hint["courier"]["company"],
                "biteship_news": news,
                "biteship_order": order,
            }
        ]

    def biteship_webhook_shipment_key(self, payload):
        """Biteship's order id: its webhooks of one order applied in order."""
        if not isinstance(payload, dict):
            return False
        order_id = payload.get("order_id")
        return order_id if isinstance(order_id, str) else False

    def biteship_webhook_carriers(self, shipment):
        """Every Biteship method on this one's account (same API key and URL):
        Biteship calls one webhook URL per account. When no delivery has the
        shipment's order id (a number typed in), it is found by waybill among
        the methods booking the shipment's courier."""
        carriers = self._tracking_account_methods()
        company = shipment.get("courier_company")
        order_id = shipment.get("carrier_shipment_id")
        if company and not (
            order_id
            and self.env["stock.picking"]
            .sudo()
            .search_count(
                [
                    ("carrier_id", "in", carriers.ids),
                    ("carrier_shipment_id", "=", order_id),
                ],
                limit=1,
            )
        ):
            carriers = carriers.filtered(
                lambda c: (
                    c.checkout_rate_shopping or c.biteship_courier_company == company
                )
            )
        return carriers.with_env(self.env)

    def biteship_webhook_apply(self, picking, shipment):
        """The confirmed order's tracking id, link and driver, at once."""
        picking._biteship_apply_courier(shipment["biteship_news"])
