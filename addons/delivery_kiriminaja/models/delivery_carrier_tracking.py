import hashlib

from odoo import api, fields, models
from odoo.addons.delivery_carrier_tracking.rate_budget import RateLimited
from odoo.addons.delivery_carrier_tracking.shipment_rules import is_web_url

from ..kiriminaja import KiriminAjaError, KiriminAjaRateLimited
from ..kiriminaja.tracking import CALLBACK_DESCRIPTIONS, RETURN_STATUS_CODES


class DeliveryCarrier(models.Model):
    """KiriminAja tracking polls (POST /api/mitra/tracking, /docs/order/tracking;
    instant: GET /api/mitra/v4/instant/tracking/{order_id},
    /docs/instant/tracking) turned into delivery_carrier_tracking's events;
    the callback: delivery_carrier_webhook.py."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def kiriminaja_tracking_return_status_codes(self):
        return RETURN_STATUS_CODES

    def kiriminaja_tracking_update(self, pickings):
        """Ask KiriminAja about each delivery's package (by our order id,
        else its AWB), one request at a time within the scheduler's slots,
        and record the news one delivery at a time.

        :return: {picking_id: error} of the deliveries that failed
        """
        self.ensure_one()
        client = self._kiriminaja_client()  # no key: fail the whole batch now
        pacer = self.env.context.get("tracking_request_pacer")
        failures = {}
        for picking in pickings:
            key = picking.carrier_shipment_id or (
                # instant packages are tracked by order id only
                not self._kiriminaja_instant() and picking.carrier_tracking_ref
            )
            if not key:
                failures[picking.id] = "no KiriminAja order id or AWB"
                continue
            if pacer and not pacer.wait():
                failures[picking.id] = RateLimited(
                    "Not sent: KiriminAja's rate limit was reached.",
                    pacer.retry_after,
                )
                continue
            try:
                answer = self._kiriminaja_fetch(client, key)
            except KiriminAjaError as error:
                if pacer and isinstance(error, KiriminAjaRateLimited):
                    pacer.stop(error.retry_after)
                failures[picking.id] = error
                continue
            if answer is None:
                failures[picking.id] = f"KiriminAja has no package {key}"
                continue
            try:
                with self.env.cr.savepoint():
                    picking._kiriminaja_apply_news(self._kiriminaja_news(answer))
            except Exception as error:  # noqa: BLE001 - one odd answer fails one delivery
                failures[picking.id] = str(error)
        return failures

    def kiriminaja_tracking_number_set(self, picking):
        """The AWB came by callback: the next poll prints its label, in the
        cron rather than inside KiriminAja's call."""
        if not picking.tracking_label_ids:
            picking.tracking_next_poll_at = fields.Datetime.now()

    def kiriminaja_tracking_rate_account(self):
        """One request budget per KiriminAja account (URL and key), shared by
        its delivery methods; the key itself is not stored there."""
        carrier = self.sudo()
        account = f"{carrier._kiriminaja_base_url()} {carrier.kiriminaja_api_key or ''}"
        return "kiriminaja:" + hashlib.sha256(account.encode()).hexdigest()[:24]

    def kiriminaja_tracking_default_rate(self):
        """KiriminAja documents no request limit: the polls take 2 per second,
        leaving room for checkout prices and bookings (an assumption; a 429
        pauses the account as its Retry-After says)."""
        return 2.0

    @api.model
    def _kiriminaja_event(self, news):
        """The contract's event of one KiriminAja news (tracking.py): a
        status code the table does not map is recorded with no state."""
        lang = (self.company_id or self.env.company).partner_id.lang or "en_US"
        description = news["note"]
        if not description and news["status_code"] in CALLBACK_DESCRIPTIONS:
            description = CALLBACK_DESCRIPTIONS[news["status_code"]]._translate(lang)
        elif not description:
            description = self.with_context(lang=lang).env._(
                "Courier status: %(status)s", status=news["status_code"]
            )
        return {
            "event_time": news["time"] or fields.Datetime.now(),
            "shipment_state": news["state"],
            "status_code": news["status_code"],
            "description": description,
            "location": "",
            "event_key": news["key"],
        }

    def _kiriminaja_proof_links(self, picking, images):
        """KiriminAja's proof of delivery (photo, signature): links in the
        chatter, once, when the delivery is recorded."""
        links = [url for url in images if is_web_url(url)]
        if links:
            picking.message_post(
                body=self.env._(
                    "KiriminAja's proof of delivery: %(links)s",
                    links=", ".join(links),
                )
            )
