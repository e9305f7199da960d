import hmac
import logging

from odoo import api, models
from odoo.exceptions import UserError

from ..biteship import BiteshipError, BiteshipRequestError
from ..biteship.status import normalize_status

_logger = logging.getLogger(__name__)


class DeliveryCarrier(models.Model):
    """Biteship's webhook (delivery_carrier_tracking's endpoint): its header
    check, and each webhook confirmed with Biteship before it is applied."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def biteship_webhook_verify(self, raw_body, headers):
        """Biteship's dashboard sends a fixed header (name and value chosen
        there) rather than a signature: its value must equal the webhook
        secret. The generic HMAC scheme stays valid for relays that sign."""
        # Biteship's dashboard checks a new webhook URL with an empty POST,
        # possibly before its header is saved: it must get 200. An empty body
        # writes nothing, so it needs no proof.
        if not raw_body.strip():
            return True
        if self.biteship_webhook_header:
            secret = self.sudo().tracking_webhook_secret
            sent = headers.get(self.biteship_webhook_header)
            if secret and sent:
                return hmac.compare_digest(sent.strip().encode(), secret.encode())
        return self._tracking_webhook_verify_hmac(raw_body, headers)

    def biteship_webhook_events(self, payload, headers):  # pylint: disable=unused-argument
        """Biteship webhooks order.status / order.waybill_id / order.price ->
        the contract's list (empty for other events and dashboard pings).

        Biteship does not sign webhooks (a static header): one is a hint,
        confirmed by one GET /v1/orders/:id whose answer (status, waybill,
        price, courier link, driver) is what gets applied. A forged or late
        older status thus records only what Biteship says now."""
        if not isinstance(payload, dict) or not payload.get("order_id"):
            return []
        kind = payload.get("event")
        if kind not in ("order.status", "order.waybill_id", "order.price"):
            return []
        hinted = payload.get("courier_waybill_id")
        if hinted is not None and not isinstance(hinted, (str, int)):
            raise ValueError("courier_waybill_id is not a waybill number")
        order_id = str(payload["order_id"])
        try:
            order = self._biteship_client().get_order(order_id)
        except BiteshipRequestError as error:
            if error.status == 404:
                return []  # not an order of this account
            raise self._biteship_error(
                error, self.env._("confirm webhook of order %s", order_id)
            ) from error
        except BiteshipError as error:
            raise self._biteship_error(
                error, self.env._("confirm webhook of order %s", order_id)
            ) from error
        courier = order.get("courier") if isinstance(order.get("courier"), dict) else {}
        waybill = courier.get("waybill_id")
        waybill = str(waybill).strip() if waybill not in (None, "", False) else False
        events = []
        if kind == "order.status" and order.get("status"):
            # the webhook's own time and note only if it is about that status
            same = normalize_status(payload.get("status")) == normalize_status(
                order["status"]
            )
            hint = payload if same else {}
            entry = self._biteship_webhook_entry(
                {
                    **hint,
                    "status": order["status"],
                    "history": order.get("history") or hint.get("history"),
                }
            )
            event = self._biteship_event(
                order["status"], entry.get("updated_at"), entry.get("note"), order_id
            )
            events = [event] if event else []
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
                "tracking_number": waybill,
                "events": events,
                "new_tracking_number": waybill,
                "price": price,
                "courier_company": courier.get("company")
                or payload.get("courier_company"),
                "biteship_courier": courier,
                "biteship_order": order,
            }
        ]

    def biteship_webhook_carriers(self, shipment):
        """Every Biteship method on this one's account (same API key and URL):
        Biteship calls one webhook URL per account. When no delivery has the
        shipment's order id (a number typed in), it is found by waybill among
        the methods booking the shipment's courier."""
        me = self.sudo().with_context(active_test=False)
        carriers = (
            me.search(
                [
                    ("delivery_type", "=", "biteship"),
                    ("biteship_api_key", "=", me.biteship_api_key),
                    ("biteship_base_url", "=", me.biteship_base_url),
                ]
            )
            | me
        )
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
                    c.biteship_rate_shopping or c.biteship_courier_company == company
                )
            )
        return carriers.with_env(self.env)

    def biteship_webhook_apply(self, picking, shipment):
        """The confirmed order's courier link and driver, at once."""
        picking._biteship_apply_courier(shipment.get("biteship_courier"))

    @api.model
    def _biteship_webhook_entry(self, payload):
        """Time and note of an order.status webhook: those of the status's
        latest entry in the order history it may carry, else its own
        updated_at and note. Never now when Biteship gave a time: the poll
        reads the same status with the history's time later, and only the same
        time makes it the same event."""
        status = normalize_status(payload.get("status"))
        history = payload.get("history")
        entries = [
            entry
            for entry in (history if isinstance(history, list) else [])
            if isinstance(entry, dict)
            and normalize_status(entry.get("status")) == status
        ]
        entry = entries[-1] if entries else {}
        return {
            "updated_at": entry.get("updated_at") or payload.get("updated_at"),
            "note": entry.get("note") or payload.get("note"),
        }
