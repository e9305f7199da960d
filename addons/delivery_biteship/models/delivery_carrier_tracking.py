import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from odoo import api, fields, models

from ..biteship import BiteshipClient, BiteshipError
from ..biteship.status import (
    BITESHIP_STATUS_DESCRIPTIONS,
    BITESHIP_STATUS_MAP,
    normalize_status,
    parse_time,
)

_logger = logging.getLogger(__name__)


class DeliveryCarrier(models.Model):
    """Biteship tracking polls, turned into delivery_carrier_tracking's
    events (the webhook: delivery_carrier_webhook.py)."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

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

    def biteship_tracking_number_set(self, picking):
        """A waybill came (by webhook) before its label: the next poll prints
        the label, in the cron rather than inside Biteship's webhook call."""
        if not picking.tracking_label_ids:
            picking.tracking_next_poll_at = fields.Datetime.now()
