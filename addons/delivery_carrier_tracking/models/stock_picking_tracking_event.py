import hashlib

from odoo import api, fields, models

from ..shipment_rules import RETURN_STATUS_CODES, SHIPMENT_STATES


class StockPickingTrackingEvent(models.Model):
    _name = "stock.picking.tracking.event"
    _description = "Shipment Tracking Event"
    _order = "event_time desc, id desc"
    _rec_name = "description"

    picking_id = fields.Many2one(
        "stock.picking", required=True, ondelete="cascade", index=True
    )
    parcel_id = fields.Many2one(
        "stock.picking.parcel",
        ondelete="cascade",
        index="btree_not_null",
        help="Empty: the event is about the whole delivery.",
    )
    # precompute: in the INSERT of each event, not an UPDATE right after it
    carrier_id = fields.Many2one(
        related="picking_id.carrier_id", store=True, precompute=True
    )
    company_id = fields.Many2one(
        related="picking_id.company_id", store=True, precompute=True
    )
    event_time = fields.Datetime(required=True)
    shipment_state = fields.Selection(
        SHIPMENT_STATES,
        help="Empty: a carrier status Odoo does not map yet (see Status); the "
        "shipment's state was left as it was.",
    )
    status_code = fields.Char("Status", help="Status as the carrier sent it.")
    description = fields.Char()
    location = fields.Char()
    event_key = fields.Char(
        required=True,
        help="Identifies the carrier's event: the same event received twice "
        "(webhook and poll, or a resent webhook) is stored once.",
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "event_key_unique",
            "unique(picking_id, event_key)",
            "This tracking event is already recorded for this delivery.",
        ),
    ]

    def _tracking_is_coming_back(self):
        """The one rule saying the carrier brings the parcel back to the shop
        (return to sender, failed COD): a returned shipment, or a status the
        carrier uses for a parcel on its way back."""
        self.ensure_one()
        if self.shipment_state == "returned":
            return True
        codes = RETURN_STATUS_CODES
        provider = self.carrier_id and self.carrier_id._tracking_provider_method(
            "tracking_return_status_codes"
        )
        if provider:
            codes = provider()
        return (self.status_code or "").lower() in codes

    @api.model
    def _default_event_key(self, event):
        raw = "|".join(
            [
                fields.Datetime.to_string(event["event_time"]),
                event.get("shipment_state") or "",
                event.get("status_code") or "",
                event.get("description") or "",
            ]
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:40]

    def _to_json(self):
        """JSON/XML-RPC safe representation (no None, ISO date strings)."""
        labels = dict(self._fields["shipment_state"]._description_selection(self.env))
        return [
            {
                "event_time": event.event_time.isoformat() + "Z",
                "shipment_state": event.shipment_state or "",
                "shipment_state_label": labels.get(event.shipment_state, ""),
                "status_code": event.status_code or "",
                "description": event.description or "",
                "location": event.location or "",
                "tracking_number": event.parcel_id.tracking_number or "",
            }
            for event in self
        ]
