import io
from datetime import datetime, timezone

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from ..shipment_rules import CARRIER_STATES, SHIPMENT_STATES
from .delivery_carrier import IN_HOUSE_TYPES

LABEL_REPORT = "delivery_carrier_tracking.action_report_shipping_label"
RETURN_SEQUENCE = "delivery_carrier_tracking.return_label"


class DeliveryCarrier(models.Model):
    """The in-house provider of core's carriers without an API (fixed, based
    on rules): sequence numbers, QWeb labels, links and a generic JSON
    webhook."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ #
    # In-house provider: sequence numbers and QWeb labels
    # ------------------------------------------------------------------ #

    @api.depends("delivery_type")
    def _compute_can_generate_return(self):
        res = super()._compute_can_generate_return()
        for carrier in self:
            if carrier.delivery_type in IN_HOUSE_TYPES:
                carrier.can_generate_return = True
        return res

    @api.constrains(
        "return_label_on_delivery", "delivery_type", "tracking_create_label"
    )
    def _check_return_label_on_delivery(self):
        for carrier in self.filtered("return_label_on_delivery"):
            reason = carrier._tracking_return_label_on_delivery_refusal()
            if reason:
                raise ValidationError(
                    self.env._(
                        "%(carrier)s cannot print a return label with each "
                        "delivery (Generate Return Label): %(reason)s.",
                        carrier=carrier.name,
                        reason=reason,
                    )
                )

    def _tracking_return_label_on_delivery_refusal(self):
        """Why this method cannot make core's return_label_on_delivery (a
        return label with every delivery), False when it can: in-house
        methods that make labels can; a provider says for itself."""
        self.ensure_one()
        if self.delivery_type not in IN_HOUSE_TYPES:
            return False
        if not self.tracking_create_label:
            return self.env._("it makes no labels (Create Labels is off)")
        return False

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
        if self.return_label_on_delivery:
            # core's contract, as providers with an API call it when they ship
            self.get_return_label(pickings)
        return results

    def fixed_get_return_label(
        self,
        pickings,
        tracking_number=None,  # pylint: disable=unused-argument
        origin_date=None,  # pylint: disable=unused-argument
    ):
        return self._tracking_in_house_return_label(pickings)

    def base_on_rule_get_return_label(
        self,
        pickings,
        tracking_number=None,  # pylint: disable=unused-argument
        origin_date=None,  # pylint: disable=unused-argument
    ):
        return self._tracking_in_house_return_label(pickings)

    def _tracking_in_house_return_label(self, pickings):
        """Core's return label contract for carriers without an API: each
        return receipt gets a number of the return sequence as its tracking
        number and a QWeb return label (the shipping label's layout, from the
        customer to the warehouse), once: a second call returns the same.
        The parcel is then tracked like any (webhook, number typed later).

        Deliveries (core's return_label_on_delivery, at shipping): each gets
        a return label beside its shipping label, once, with its own return
        number; the return receipt later made of it takes that number."""
        deliveries = pickings.filtered(
            lambda p: (
                p.picking_type_code == "outgoing" and self.return_label_on_delivery
            )
        )
        if deliveries:
            self._tracking_delivery_return_labels(deliveries)
        pickings -= deliveries
        if not pickings:
            return deliveries.return_label_ids
        pickings._tracking_check_return_label()
        todo = pickings.browse()
        for picking in pickings:
            picking._tracking_lock()  # two clicks, two workers: one number
            if not picking.carrier_tracking_ref:
                picking._tracking_check_shipping_data()
                # the label printed with the delivery, when there is one
                picking.carrier_tracking_ref = (
                    picking.return_id.sudo().tracking_return_label_ref
                    or self.env["ir.sequence"].next_by_code(RETURN_SEQUENCE)
                )
                picking._tracking_shipment_created()
            if not picking.tracking_label_ids:
                todo |= picking
        if todo:
            self._tracking_attach_labels(todo)
        return pickings.tracking_label_ids

    def _tracking_delivery_return_labels(self, deliveries):
        """A return label for each delivery (from the customer to the
        warehouse, one page, a number of the return sequence), attached with
        core's return prefix beside its shipping label, made once."""
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for picking in deliveries.sudo():
            picking._tracking_lock()  # two workers: one number, one label
            if picking.tracking_return_label_ref:
                continue
            number = self.env["ir.sequence"].next_by_code(RETURN_SEQUENCE)
            picking.tracking_return_label_ref = number
            pdf, _fmt = report._render_qweb_pdf(
                LABEL_REPORT, picking.ids, data={"return_label_on_delivery": True}
            )
            label = self.env["ir.attachment"].create(
                {
                    "name": f"{self.get_return_label_prefix()}-{number}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "stock.picking",
                    "res_id": picking.id,
                }
            )
            picking.message_post(
                body=self.env._(
                    "Return label %(number)s for %(carrier)s, printed with the "
                    "delivery.",
                    number=number,
                    carrier=self.name,
                ),
                attachment_ids=label.ids,
            )

    def fixed_cancel_shipment(self, pickings):
        if not self.tracking_create_label:
            return super().fixed_cancel_shipment(pickings)

    def base_on_rule_cancel_shipment(self, pickings):
        if not self.tracking_create_label:
            return super().base_on_rule_cancel_shipment(pickings)

    def _tracking_attach_labels(self, pickings):
        """Render the labels of all pickings in one report run (a page per
        parcel) and attach each page to its parcel: shipping labels with
        core's shipping prefix, those of return parcels (from the customer to
        the warehouse) with core's return prefix, where core's
        return_label_ids and the portal find them."""
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
        pages = iter(reader.pages)
        for picking in pickings:
            returning = picking._tracking_is_return()
            prefix = (
                self.get_return_label_prefix()
                if returning
                else self._get_delivery_label_prefix()
            )
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
                body=self.env._("Return label for %(carrier)s.", carrier=self.name)
                if returning
                else self.env._(
                    "Shipping label(s) for %(carrier)s.", carrier=self.name
                ),
                attachment_ids=labels.ids,
            )
        # the computed lists of labels are cached for the transaction
        pickings.invalidate_recordset(["tracking_label_ids", "return_label_ids"])

    # ------------------------------------------------------------------ #
    # In-house provider: tracking links
    # ------------------------------------------------------------------ #

    def fixed_get_tracking_link(self, picking):
        return self._tracking_link_value(picking)

    def base_on_rule_get_tracking_link(self, picking):
        return self._tracking_link_value(picking)

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
        "price", "price_details", "events": [{"id", "time" (ISO 8601), "status"
        (a shipment state), "status_code", "description", "location"}]} ->
        contract's list."""
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
                "price_details": payload.get("price_details") or False,
            }
        ]
