from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..shipment_rules import (
    SHIPMENT_PROGRESS,
    SHIPMENT_STATES,
    shipment_state_after,
    split_tracking_numbers,
)

# Context key: a write that comes from the other side of the sync between
# parcels and carrier_tracking_ref, which must not sync back.
SYNCING = "tracking_parcel_sync"


class StockPickingParcel(models.Model):
    """One package of a delivery as the carrier sees it: its own tracking
    number, label, state and events. The delivery's carrier_tracking_ref
    stays the comma-joined numbers of its parcels, for core and others."""

    _name = "stock.picking.parcel"
    _description = "Delivery Parcel"
    _order = "picking_id, sequence, id"

    picking_id = fields.Many2one(
        "stock.picking", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    package_id = fields.Many2one(
        "stock.quant.package",
        ondelete="set null",
        help="Empty: the unpacked rest of the delivery, or all of it when "
        "nothing is packed.",
    )
    weight = fields.Float(digits="Stock Weight")
    tracking_number = fields.Char(copy=False, index=True)
    carrier_id = fields.Many2one(related="picking_id.carrier_id", store=True)
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    label_id = fields.Many2one("ir.attachment", ondelete="set null")
    shipment_state = fields.Selection(SHIPMENT_STATES, copy=False, readonly=True)
    tracking_event_ids = fields.One2many(
        "stock.picking.tracking.event", "parcel_id", "Tracking Events", readonly=True
    )
    tracking_url = fields.Char("Tracking Link", compute="_compute_tracking_url")

    @api.depends("sequence", "picking_id.parcel_ids", "tracking_number")
    def _compute_display_name(self):
        for parcel in self:
            siblings = parcel.picking_id.parcel_ids
            ids = siblings.ids
            position = ids.index(parcel.id) + 1 if parcel.id in ids else 1
            number = f" ({parcel.tracking_number})" if parcel.tracking_number else ""
            parcel.display_name = (
                f"{parcel.picking_id.name or ''} {position}/{len(ids) or 1}{number}"
            )

    @api.depends("tracking_number", "picking_id.carrier_tracking_url")
    def _compute_tracking_url(self):
        for picking, parcels in self.grouped("picking_id").items():
            links = picking._tracking_links()
            by_number = dict(links)
            # one link for the whole delivery (a carrier's page of the order)
            shared = links[0][1] if len(links) == 1 else False
            for parcel in parcels:
                parcel.tracking_url = parcel.tracking_number and (
                    by_number.get(parcel.tracking_number) or shared
                )

    @api.constrains("tracking_number")
    def _check_tracking_number(self):
        for parcel in self.filtered("tracking_number"):
            if "," in parcel.tracking_number:
                raise ValidationError(
                    self.env._(
                        "A parcel has one tracking number (%(number)r): give each "
                        "package its own parcel.",
                        number=parcel.tracking_number[:64],
                    )
                )
            parcel.picking_id._tracking_clean_number(parcel.tracking_number)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("tracking_number"):
                vals["tracking_number"] = vals["tracking_number"].strip()
        parcels = super().create(vals_list)
        parcels.picking_id._tracking_ref_from_parcels()
        return parcels

    def write(self, vals):
        if vals.get("tracking_number"):
            vals = dict(vals, tracking_number=vals["tracking_number"].strip())
        res = super().write(vals)
        if "tracking_number" in vals or "sequence" in vals:
            self.picking_id._tracking_ref_from_parcels()
        return res

    def unlink(self):
        pickings = self.picking_id
        res = super().unlink()
        pickings.exists()._tracking_ref_from_parcels()
        return res

    # ------------------------------------------------------------------ #
    # Numbers from the delivery (carrier_tracking_ref -> parcels)
    # ------------------------------------------------------------------ #

    @api.model
    def _vals_for_packages(self, picking):
        """New parcels of a delivery: one per package (plus the unpacked
        rest), or one for the whole delivery when nothing is packed."""
        packages = picking.move_line_ids.result_package_id.sorted("id")
        specs = [(pkg.id, pkg.shipping_weight or pkg.weight) for pkg in packages]
        if not specs:
            specs.append((False, picking.shipping_weight or picking.weight))
        elif picking.weight_bulk:
            specs.append((False, picking.weight_bulk))
        return [
            {
                "picking_id": picking.id,
                "sequence": index,
                "package_id": package_id,
                "weight": weight,
                "shipment_state": picking.shipment_state,
            }
            for index, (package_id, weight) in enumerate(specs, start=1)
        ]

    @api.model
    def _sync_pickings(self, pickings):
        """Give the parcels of these deliveries the numbers of their
        carrier_tracking_ref: one each in order when there are as many; one
        number for all (a waybill for the whole delivery); more numbers than
        parcels add parcels, fewer remove the extra ones that have no label
        nor event yet (else they only lose their number)."""
        Parcel = self.with_context(**{SYNCING: True}).sudo()
        for picking in pickings.filtered("carrier_id"):
            numbers = split_tracking_numbers(picking.carrier_tracking_ref)
            parcels = picking.sudo().parcel_ids
            if not parcels:
                if not numbers:
                    continue
                parcels = Parcel.create(Parcel._vals_for_packages(picking))
            if len(numbers) == 1:
                numbers = numbers * len(parcels)
            new_state = (
                "label_created"
                if picking.shipment_state not in (False, "label_pending", "cancelled")
                else picking.shipment_state
            )
            extra = numbers[len(parcels) :]
            if extra:
                last = max(parcels.mapped("sequence"))
                Parcel.create(
                    [
                        {
                            "picking_id": picking.id,
                            "sequence": last + index,
                            "tracking_number": number,
                            "shipment_state": new_state,
                        }
                        for index, number in enumerate(extra, start=1)
                    ]
                )
            for parcel, number in zip(parcels, numbers, strict=False):
                if parcel.tracking_number != number:
                    parcel.tracking_number = number
            rest = parcels[len(numbers) :]
            idle = rest.filtered(lambda p: not (p.label_id or p.tracking_event_ids))
            if numbers:
                idle.unlink()
            (rest - idle).filtered("tracking_number").tracking_number = False
            if not numbers:
                parcels.filtered("tracking_number").tracking_number = False

    @api.model
    def _ensure_pickings(self, pickings):
        """Parcels for deliveries that have none yet (a number set before
        this module, or by SQL): made from their packages and numbers."""
        missing = pickings.filtered(lambda p: p.carrier_id and not p.parcel_ids)
        if missing:
            self._sync_pickings(missing)
            empty = missing.filtered(lambda p: not p.parcel_ids)
            self.sudo().with_context(**{SYNCING: True}).create(
                [vals for p in empty for vals in self._vals_for_packages(p)]
            )

    # ------------------------------------------------------------------ #
    # Events
    # ------------------------------------------------------------------ #

    def _apply_new_events(self, new_events, recorded):
        """Move each of these parcels along `new_events` (oldest first), given
        the events `recorded` before on the delivery: those of the parcel and
        those about the whole delivery count (shipment_state_after). Events
        without state (a status the carrier's table does not map) move
        nothing and date nothing."""
        ordered = new_events.filtered("shipment_state").sorted(
            lambda e: (e.event_time, e.id)
        )
        for parcel in self:
            known = recorded.filtered(
                lambda e, p=parcel: (
                    e.shipment_state and (not e.parcel_id or e.parcel_id == p)
                )
            )
            newest = max(known.mapped("event_time"), default=None)
            progress = max(
                (s for s in known.mapped("shipment_state") if s in SHIPMENT_PROGRESS),
                key=SHIPMENT_PROGRESS.index,
                default=False,
            )
            state = parcel.shipment_state
            for event in ordered:
                stale = newest is not None and event.event_time < newest
                state = shipment_state_after(
                    state, event.shipment_state, stale, progress
                )
                if event.shipment_state in SHIPMENT_PROGRESS:
                    progress = max(
                        progress or event.shipment_state,
                        event.shipment_state,
                        key=SHIPMENT_PROGRESS.index,
                    )
                newest = max(newest or event.event_time, event.event_time)
            if state != parcel.shipment_state:
                parcel.shipment_state = state

    def _to_json(self):
        """JSON/XML-RPC safe representation (no None)."""
        labels = dict(self._fields["shipment_state"]._description_selection(self.env))
        count = len(self)
        return [
            {
                "parcel_id": parcel.id,
                "index": index,
                "count": count,
                "package": parcel.package_id.name or "",
                "weight": parcel.weight,
                "tracking_number": parcel.tracking_number or "",
                "tracking_url": parcel.tracking_url or "",
                "shipment_state": parcel.shipment_state or "",
                "shipment_state_label": labels.get(parcel.shipment_state, ""),
                "label": parcel.label_id.name or "",
            }
            for index, parcel in enumerate(self, start=1)
        ]
