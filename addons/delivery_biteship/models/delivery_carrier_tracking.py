import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from odoo import api, models
from odoo.exceptions import UserError

from ..biteship import BiteshipClient, BiteshipError, BiteshipRequestError
from ..biteship.status import (
    BITESHIP_STATUS_DESCRIPTIONS,
    BITESHIP_STATUS_MAP,
    normalize_status,
    parse_time,
)

_logger = logging.getLogger(__name__)


class BiteshipCarrierTracking(models.AbstractModel):
    """Biteship tracking: polls and webhooks turned into delivery_carrier_tracking's
    events; mixed into delivery.carrier."""

    _name = "biteship.carrier.tracking"
    _description = "Biteship Tracking"

    def biteship_tracking_update(self, pickings):
        """Fetch tracking of these deliveries (bounded parallel HTTP, no ORM in
        the threads), then record the events one delivery at a time.

        :return: {picking_id: error message} of the deliveries that failed
        """
        self.ensure_one()
        client_args = self._biteship_client_args()  # bad configuration: fail now
        jobs = [
            (
                picking.id,
                picking.biteship_tracking_id,
                picking.carrier_shipment_id,
                next(iter(picking._tracking_numbers()), ""),
                picking.biteship_courier_company or self.biteship_courier_company,
            )
            for picking in pickings
        ]
        local = threading.local()  # requests sessions are not shared by threads

        def fetch(job):
            picking_id, tracking_id, order_id, waybill, courier = job
            if not hasattr(local, "client"):
                local.client = BiteshipClient(**client_args)
            client = local.client
            try:
                if not tracking_id and order_id:
                    order = client.get_order(order_id)
                    tracking_id = (order.get("courier") or {}).get("tracking_id")
                if tracking_id:
                    return picking_id, client.get_tracking(tracking_id), None
                if waybill:
                    return (
                        picking_id,
                        client.get_public_tracking(waybill, courier),
                        None,
                    )
                return picking_id, None, "no Biteship order, tracking id or waybill"
            except BiteshipError as error:
                # the error itself: the scheduler reads its retry_after (429)
                return picking_id, None, error

        workers = max(1, min(self.biteship_poll_workers, len(jobs)))
        with ThreadPoolExecutor(workers, thread_name_prefix="biteship-poll") as pool:
            results = list(pool.map(fetch, jobs))
        failures = {}
        by_id = {picking.id: picking for picking in pickings}
        for picking_id, tracking, error in results:
            if error:
                failures[picking_id] = error
                continue
            try:
                with self.env.cr.savepoint():
                    by_id[picking_id]._biteship_apply_tracking(tracking)
            except Exception as error:  # noqa: BLE001 - one odd answer fails one delivery
                failures[picking_id] = str(error)
        return failures

    def biteship_tracking_poll_batch_size(self):
        # one round of parallel requests per batch
        return self.biteship_poll_workers

    @api.model
    def _biteship_event(self, status, moment, note, order_key, repeat=False):
        """One tracking event. Keyed on the order and status alone unless it
        is a `repeat` of a status already in the order's history: webhooks
        carry no time (timed on arrival), and the poll's first history entry
        of that status must be the same event, not a twin."""
        status = normalize_status(status)
        state = BITESHIP_STATUS_MAP.get(status)
        if not state:
            _logger.info("Biteship status %r is not mapped: ignored", status)
            return None
        event_time = parse_time(moment)
        # Stored once for staff and customer: in the shop's language.
        lang = (self.company_id or self.env.company).partner_id.lang
        return {
            "event_time": event_time,
            "shipment_state": state,
            "status_code": status,
            "description": (note or "").strip()
            or BITESHIP_STATUS_DESCRIPTIONS[status]._translate(lang or "en_US"),
            "location": "",
            "event_key": f"biteship:{order_key}:{status}"
            + (f":{event_time.isoformat()}" if repeat else ""),
        }

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
