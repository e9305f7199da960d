import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

from odoo import api, fields, models
from odoo.addons.delivery_carrier_tracking.rate_budget import RateLimited

from ..biteship import BiteshipClient, BiteshipError, BiteshipRateLimited
from ..biteship.status import BITESHIP_STATUS_DESCRIPTIONS
from ..biteship.tracking import order_news, tracking_news


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
        # the scheduler's slots of the account's request budget (none when
        # called directly)
        pacer = self.env.context.get("tracking_request_pacer")

        def fetch(job):
            """(picking_id, reader, answer, error): the answer is read in
            the caller, where one odd answer fails one delivery."""
            picking_id, tracking_id, order_id, waybill, courier = job
            if pacer and not pacer.wait():
                error = RateLimited(
                    "Not sent: Biteship's rate limit was reached.", pacer.retry_after
                )
                return picking_id, None, None, error
            if not hasattr(local, "client"):
                local.client = BiteshipClient(**client_args)
            client = local.client
            try:
                # Without tracking id, the order is the news (its history,
                # link and tracking id): later polls use the tracking API,
                # allowed 50 requests/s where orders get 20 (help centre).
                if tracking_id:
                    answer = client.get_tracking(tracking_id)
                    return picking_id, tracking_news, answer, None
                if order_id:
                    return picking_id, order_news, client.get_order(order_id), None
                if waybill:
                    answer = client.get_public_tracking(waybill, courier)
                    return picking_id, tracking_news, answer, None
                error = "no Biteship order, tracking id or waybill"
                return picking_id, None, None, error
            except BiteshipError as error:
                if pacer and isinstance(error, BiteshipRateLimited):
                    pacer.stop(error.retry_after)  # the other threads send no more
                # the error itself: the scheduler reads its retry_after (429)
                return picking_id, None, None, error

        workers = max(1, min(self.biteship_poll_workers, len(jobs)))
        with ThreadPoolExecutor(workers, thread_name_prefix="biteship-poll") as pool:
            results = list(pool.map(fetch, jobs))
        failures = {}
        by_id = {picking.id: picking for picking in pickings}
        for picking_id, reader, answer, error in results:
            if error:
                failures[picking_id] = error
                continue
            try:
                with self.env.cr.savepoint():
                    by_id[picking_id]._biteship_apply_tracking(reader(answer))
            except Exception as error:  # noqa: BLE001 - one odd answer fails one delivery
                failures[picking_id] = str(error)
        return failures

    def biteship_tracking_rate_account(self):
        """One request budget per Biteship account (API URL and key), shared
        by all its delivery methods; the key itself is not stored there."""
        carrier = self.sudo()
        account = f"{carrier.biteship_base_url or ''} {carrier.biteship_api_key or ''}"
        return "biteship:" + hashlib.sha256(account.encode()).hexdigest()[:24]

    def biteship_tracking_default_rate(self):
        """Biteship allows each account 10 to 50 requests per second by API
        in production (tracking 50, orders 20, couriers 10) and 5 per second
        in the sandbox, which is the same URL with a biteship_test. key
        (https://help.biteship.com/hc/en-us/articles/40080182901145, "Biteship
        API Rate Limit Restrictions in Production and Sandbox"). The polls
        take 10 (4 in the sandbox): the rest is left to checkout rates and
        bookings, which do not spend this budget."""
        if (self.sudo().biteship_api_key or "").startswith("biteship_test."):
            return 4.0
        return 10.0

    def biteship_tracking_poll_batch_size(self):
        # one round of parallel requests per batch
        return self.biteship_poll_workers

    @api.model
    def _biteship_event(self, news, order_key):
        """The contract's event of one status Biteship reported (status_news).
        Keyed on the order and status alone unless it `repeat`s a status
        already in the order's history: a webhook's status and the poll's
        first history entry of that status are one event, not twins. A
        status the table does not map is recorded with no state."""
        status = news["status"]
        event_time = news["time"] or fields.Datetime.now()
        # Stored once for staff and customer: in the shop's language.
        lang = (self.company_id or self.env.company).partner_id.lang or "en_US"
        description = news["note"]
        if not description and status in BITESHIP_STATUS_DESCRIPTIONS:
            description = BITESHIP_STATUS_DESCRIPTIONS[status]._translate(lang)
        elif not description:
            description = self.with_context(lang=lang).env._(
                "Courier status: %(status)s", status=status
            )
        return {
            "event_time": event_time,
            "shipment_state": news["state"],
            "status_code": status,
            "description": description,
            "location": "",
            "event_key": f"biteship:{order_key}:{status}"
            + (f":{event_time.isoformat()}" if news.get("repeat") else ""),
        }

    def biteship_tracking_number_set(self, picking):
        """A waybill came (by webhook) before its label: the next poll prints
        the label, in the cron rather than inside Biteship's webhook call."""
        if not picking.tracking_label_ids:
            picking.tracking_next_poll_at = fields.Datetime.now()
