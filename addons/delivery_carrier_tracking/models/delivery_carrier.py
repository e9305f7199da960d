import hashlib
import hmac
import io
import json
import re
import time
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from ..shipment_rules import CARRIER_STATES, MAX_CLOCK_SKEW, SHIPMENT_STATES

# Core's carriers without an API: this module is their "provider".
IN_HOUSE_TYPES = ("fixed", "base_on_rule")
# seconds between the sender's timestamp and ours
WEBHOOK_MAX_SKEW = int(MAX_CLOCK_SKEW.total_seconds())
TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")  # ASCII digits only, unlike isdigit()
SIGNATURE_RE = re.compile(r"[0-9a-fA-F]{64}")
POLL_BATCH_SIZE = 10
LABEL_REPORT = "delivery_carrier_tracking.action_report_shipping_label"


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    tracking_create_label = fields.Boolean(
        "Create Shipping Labels",
        help="On validation of a delivery, give it a tracking number from the "
        "sequence below (if any) and attach a printable label per package.",
    )
    tracking_sequence_id = fields.Many2one(
        "ir.sequence",
        "Tracking Number Sequence",
        help="Leave empty when the carrier hands out the waybill number at "
        "drop-off: enter it later with 'Set Tracking Number'.",
    )
    tracking_webhook_secret = fields.Char(
        "Webhook Secret",
        groups="base.group_system",
        copy=False,
        help="Shared secret of the tracking webhook (HMAC-SHA256 signature).",
    )
    tracking_webhook_url = fields.Char(
        "Webhook URL", compute="_compute_tracking_webhook_url"
    )
    tracking_watch_days = fields.Integer(
        "Watch When Silent For (Days)",
        help="A shipment on its way without any event from this carrier for "
        "this many days needs a person (0: the company's number, see "
        "Inventory settings).",
    )

    @api.depends("delivery_type")
    def _compute_tracking_webhook_url(self):
        base_url = self.get_base_url()
        for carrier in self:
            carrier.tracking_webhook_url = (
                f"{base_url}/delivery_tracking/webhook/{carrier.id}"
                if carrier.id
                else False
            )

    @api.constrains("tracking_url")
    def _check_tracking_url(self):
        for carrier in self.filtered("tracking_url"):
            parts = urlsplit(carrier.tracking_url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValidationError(
                    self.env._(
                        "The tracking link of %(carrier)s must start with "
                        "http:// or https://.",
                        carrier=carrier.name,
                    )
                )

    # ------------------------------------------------------------------ #
    # Generic dispatch to providers (by delivery_type, like core)
    # ------------------------------------------------------------------ #

    def _tracking_provider_method(self, suffix):
        self.ensure_one()
        return getattr(self, f"{self.delivery_type}_{suffix}", None)

    def _tracking_creates_shipment(self):
        """Whether validating a delivery creates a shipment (state, labels)."""
        self.ensure_one()
        if self.delivery_type in IN_HOUSE_TYPES:
            return self.tracking_create_label
        return bool(self._tracking_provider_method("send_shipping"))

    def _tracking_can_poll(self):
        return bool(self._tracking_provider_method("tracking_update"))

    def _tracking_update(self, pickings):
        """Poll the provider; returns {picking_id: error} of failed pickings,
        the error a message or an exception (one with ``retry_after`` seconds,
        a carrier's Retry-After, is not polled again sooner)."""
        return self._tracking_provider_method("tracking_update")(pickings)

    def _tracking_poll_batch_size(self):
        """Deliveries the scheduler polls in one call to the provider (then
        commits): small, so that a slow carrier holds few rows at a time.
        A provider may choose: <delivery_type>_tracking_poll_batch_size()."""
        provider_size = self._tracking_provider_method("tracking_poll_batch_size")
        return provider_size() if provider_size else POLL_BATCH_SIZE

    def _tracking_webhook_verify(self, raw_body, headers):
        """Provider's own check if it has one, else HMAC-SHA256 over
        "<timestamp>." + body with the carrier's secret, within 300 s."""
        verify = self._tracking_provider_method("webhook_verify")
        if verify:
            return verify(raw_body, headers)
        secret = self.sudo().tracking_webhook_secret
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
                if shipment.get("new_tracking_number"):
                    picking._tracking_set_number(
                        shipment["new_tracking_number"], parcels=parcels
                    )
                # False means "no price" (0.0 is a price)
                price = shipment.get("price")
                if price is not None and price is not False:
                    picking._tracking_set_price(price)
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

    # ------------------------------------------------------------------ #
    # Safe tracking links
    # ------------------------------------------------------------------ #

    def _tracking_url(self, number):
        """The carrier's page for one number; the number is URL-encoded so it
        cannot change the link's scheme, host or query."""
        self.ensure_one()
        if not self.tracking_url:
            return False
        return self.tracking_url.strip().replace(
            "<shipmenttrackingnumber>", quote(number, safe="")
        )

    def _tracking_link_value(self, picking):
        """Core's carrier_tracking_url value from the delivery's parcels: one
        URL, or core's multi-tracking JSON list of [number, url] (read back
        by get_multiple_carrier_tracking) for several numbers."""
        self.ensure_one()
        if not self.tracking_url:
            return False
        numbers = picking._tracking_numbers()
        if len(numbers) == 1:
            return self._tracking_url(numbers[0])
        links = [[number, self._tracking_url(number)] for number in numbers]
        return json.dumps(links) if links else False

    def fixed_get_tracking_link(self, picking):
        return self._tracking_link_value(picking)

    def base_on_rule_get_tracking_link(self, picking):
        return self._tracking_link_value(picking)

    # ------------------------------------------------------------------ #
    # One shipment per delivery: the booking guard
    # ------------------------------------------------------------------ #

    def send_shipping(self, pickings):
        """Core's entry point to <delivery_type>_send_shipping, guarded for
        providers that implement <delivery_type>_booking_lookup(picking,
        shipment_id) -> the carrier's live shipment or None, and
        <delivery_type>_booking_adopt(picking, shipment) -> the result core
        expects for that delivery. Under a per-delivery lock, a delivery whose
        shipment the carrier already accepted (journaled by the provider with
        _tracking_booking_record, even if that transaction rolled back) adopts
        it; only the others are booked."""
        self.ensure_one()
        lookup = self._tracking_provider_method("booking_lookup")
        if not lookup:
            return super().send_shipping(pickings)
        adopt = self._tracking_provider_method("booking_adopt")
        journal = self.env["delivery.carrier.booking"]
        results, to_book = {}, pickings.browse()
        for picking in pickings:
            shipment = journal._live_shipment(self, picking, lookup)
            if shipment is None:
                to_book |= picking
            else:
                results[picking.id] = adopt(picking, shipment)
        if to_book:
            booked = super().send_shipping(to_book)
            results.update(zip(to_book.ids, booked, strict=True))
        return [results[picking.id] for picking in pickings]

    def _tracking_booking_record(self, picking, shipment_id, reference=False):
        """For providers: call right after the carrier accepted a shipment, before
        anything else can fail. Journals it in its own committed transaction."""
        self.ensure_one()
        self.env["delivery.carrier.booking"]._record(
            self, picking, shipment_id, reference
        )

    # ------------------------------------------------------------------ #
    # In-house provider: sequence numbers and QWeb labels
    # ------------------------------------------------------------------ #

    def fixed_send_shipping(self, pickings):
        return self._tracking_in_house_ship(
            pickings, super().fixed_send_shipping(pickings)
        )

    def base_on_rule_send_shipping(self, pickings):
        return self._tracking_in_house_ship(
            pickings, super().base_on_rule_send_shipping(pickings)
        )

    def _tracking_in_house_ship(self, pickings, results):
        if not self.tracking_create_label:
            return results
        pickings._tracking_ensure_parcels()
        for picking, result in zip(pickings, results, strict=True):
            if self.tracking_sequence_id and not picking.carrier_tracking_ref:
                for parcel in picking.parcel_ids:
                    parcel.tracking_number = self.tracking_sequence_id.next_by_id()
            result["tracking_number"] = picking.carrier_tracking_ref or False
        self._tracking_attach_labels(pickings)
        return results

    def fixed_cancel_shipment(self, pickings):
        if not self.tracking_create_label:
            return super().fixed_cancel_shipment(pickings)

    def base_on_rule_cancel_shipment(self, pickings):
        if not self.tracking_create_label:
            return super().base_on_rule_cancel_shipment(pickings)

    def _tracking_attach_labels(self, pickings):
        """Render the labels of all pickings in one report run (a page per
        parcel) and attach each page to its parcel."""
        pickings = pickings.sudo()
        pickings._tracking_ensure_parcels()
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, _fmt = report._render_qweb_pdf(LABEL_REPORT, pickings.ids)
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        parcels = pickings.parcel_ids
        if len(reader.pages) != len(parcels):
            raise UserError(
                self.env._(
                    "The shipping labels do not fit one page per package "
                    "(%(pages)s pages for %(parcels)s packages): check the label "
                    "report.",
                    pages=len(reader.pages),
                    parcels=len(parcels),
                )
            )
        prefix = self._get_delivery_label_prefix()
        pages = iter(reader.pages)
        for picking in pickings:
            count = len(picking.parcel_ids)
            vals_list = []
            for index, parcel in enumerate(picking.parcel_ids, start=1):
                writer = PdfFileWriter()
                writer.add_page(next(pages))
                stream = io.BytesIO()
                writer.write(stream)
                name = parcel.tracking_number or picking.name.replace("/", "-")
                if count > 1:
                    name = f"{name}-{index}"
                vals_list.append(
                    {
                        "name": f"{prefix}-{name}.pdf",
                        "raw": stream.getvalue(),
                        "mimetype": "application/pdf",
                        "res_model": "stock.picking",
                        "res_id": picking.id,
                    }
                )
            labels = self.env["ir.attachment"].create(vals_list)
            for parcel, label in zip(picking.parcel_ids, labels, strict=True):
                parcel.label_id = label
            picking.message_post(
                body=self.env._(
                    "Shipping label(s) for %(carrier)s.", carrier=self.name
                ),
                attachment_ids=labels.ids,
            )
        # the computed list of labels is cached for the transaction
        pickings.invalidate_recordset(["tracking_label_ids"])

    # ------------------------------------------------------------------ #
    # In-house provider: generic JSON webhook (see readme/USAGE.md)
    # ------------------------------------------------------------------ #

    def fixed_webhook_events(self, payload, _headers):
        return self._tracking_generic_webhook_events(payload)

    def base_on_rule_webhook_events(self, payload, _headers):
        return self._tracking_generic_webhook_events(payload)

    @api.model
    def _tracking_generic_webhook_events(self, payload):
        """{"tracking_number", "carrier_shipment_id", "new_tracking_number",
        "price", "events": [{"id", "time" (ISO 8601), "status" (a shipment
        state), "status_code", "description", "location"}]} -> contract's list."""
        if not isinstance(payload, dict) or not isinstance(
            payload.get("events", []), list
        ):
            raise TypeError("payload must be an object with a list of events")
        states = dict(SHIPMENT_STATES)
        events = []
        for raw in payload.get("events", []):
            if not isinstance(raw, dict) or raw.get("status") not in CARRIER_STATES:
                raise ValueError(f"invalid event {raw!r:.200}")
            event_time = datetime.fromisoformat(str(raw.get("time")))
            if event_time.tzinfo:
                event_time = event_time.astimezone(timezone.utc).replace(tzinfo=None)
            event = {
                "event_time": event_time,
                "shipment_state": raw["status"],
                "status_code": str(raw.get("status_code") or raw["status"]),
                "description": str(raw.get("description") or states[raw["status"]]),
                "location": str(raw.get("location") or ""),
            }
            if raw.get("id"):
                event["event_key"] = str(raw["id"])
            events.append(event)
        for key in ("carrier_shipment_id", "tracking_number", "new_tracking_number"):
            if payload.get(key) and not isinstance(payload[key], str):
                raise TypeError(f"{key} must be a string")
        return [
            {
                "carrier_shipment_id": payload.get("carrier_shipment_id") or False,
                "tracking_number": payload.get("tracking_number") or False,
                "events": events,
                "new_tracking_number": payload.get("new_tracking_number") or False,
                # checked where it is applied (picking._tracking_set_price)
                "price": payload.get("price", False),
            }
        ]
