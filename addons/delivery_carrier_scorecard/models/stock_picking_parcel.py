from collections import defaultdict
from datetime import timezone

import pytz
from odoo import api, fields, models

from ..scorecard_rules import LATE, ON_TIME, PICKUP_STATES, punctuality

MILESTONE_STATES = (*PICKUP_STATES, "delivered", "exception")


class StockPickingParcel(models.Model):
    """A parcel's milestones from its events (the first pickup, the
    delivery, any exception), whether it kept the quoted delivery time, and
    its share of the delivery's shipping cost: the facts the courier
    scorecard adds up, kept current as events and prices arrive."""

    _inherit = "stock.picking.parcel"

    scorecard_picked_up_at = fields.Datetime(
        "Picked Up On",
        compute="_compute_scorecard_milestones",
        store=True,
        help="The first event saying the courier has the parcel.",
    )
    scorecard_delivered_at = fields.Datetime(
        "Delivered On", compute="_compute_scorecard_milestones", store=True
    )
    scorecard_exception = fields.Boolean(
        "Had an Exception", compute="_compute_scorecard_milestones", store=True
    )
    scorecard_punctuality = fields.Selection(
        [(ON_TIME, "On Time"), (LATE, "Late")],
        "Punctuality",
        compute="_compute_scorecard_punctuality",
        store=True,
        help="Delivered within the quoted delivery time, counted from the "
        "pickup (or the booking when the courier reported none) in calendar "
        "days of the company's time zone; empty while not delivered or "
        "without a quoted time.",
    )
    scorecard_cost = fields.Float(
        "Shipping Cost Share",
        compute="_compute_scorecard_cost",
        store=True,
        help="The delivery's shipping cost shared among its parcels by weight "
        "(equally when none is weighed).",
    )

    @api.depends(
        "picking_id.tracking_event_ids.event_time",
        "picking_id.tracking_event_ids.shipment_state",
        "picking_id.tracking_event_ids.parcel_id",
    )
    def _compute_scorecard_milestones(self):
        # The first time of each state, per parcel and for events about the
        # whole delivery, in one grouped query (module install on a big base).
        firsts = defaultdict(dict)
        rows = (
            self.env["stock.picking.tracking.event"]
            .sudo()
            ._read_group(
                [
                    ("picking_id", "in", self.picking_id.ids),
                    ("shipment_state", "in", MILESTONE_STATES),
                ],
                ["picking_id", "parcel_id", "shipment_state"],
                ["event_time:min"],
            )
        )
        for picking, parcel, state, first in rows:
            firsts[picking.id, parcel.id][state] = first
        for parcel in self:
            known = (
                firsts.get((parcel.picking_id.id, parcel._origin.id), {}),
                firsts.get((parcel.picking_id.id, False), {}),
            )

            def first(states, known=known):
                return min(
                    (times[s] for times in known for s in states if s in times),
                    default=False,
                )

            parcel.scorecard_picked_up_at = first(PICKUP_STATES)
            parcel.scorecard_delivered_at = first(("delivered",))
            parcel.scorecard_exception = bool(first(("exception",)))

    @api.depends(
        "shipment_state",
        "scorecard_picked_up_at",
        "scorecard_delivered_at",
        "picking_id.shipment_booked_at",
        "picking_id.shipment_promise_days",
    )
    def _compute_scorecard_punctuality(self):
        for parcel in self:
            picking = parcel.picking_id
            delivered = parcel.shipment_state == "delivered" and (
                parcel.scorecard_delivered_at
            )
            # Recomputed at each event of the parcel: the company's time zone
            # (its company and contact rows) is read only when it decides.
            parcel.scorecard_punctuality = delivered and punctuality(
                parcel.scorecard_picked_up_at or picking.shipment_booked_at,
                delivered,
                picking.shipment_promise_days,
                parcel._scorecard_timezone(),
            )

    def _scorecard_timezone(self):
        """The company's time zone (its contact's), where a day of a promise
        starts and ends; UTC when it has none."""
        name = self.company_id.partner_id.tz
        return pytz.timezone(name) if name in pytz.all_timezones_set else timezone.utc

    @api.depends(
        "weight",
        "shipment_state",
        "picking_id.carrier_price",
        "picking_id.parcel_ids.weight",
        "picking_id.parcel_ids.shipment_state",
    )
    def _compute_scorecard_cost(self):
        for picking, parcels in self.grouped("picking_id").items():
            shipped = picking.parcel_ids.filtered(
                lambda p: p.shipment_state != "cancelled"
            )
            total = sum(shipped.mapped("weight"))
            for parcel in parcels:
                if parcel not in shipped:
                    parcel.scorecard_cost = 0.0
                elif total > 0:
                    parcel.scorecard_cost = (
                        picking.carrier_price * parcel.weight / total
                    )
                else:
                    parcel.scorecard_cost = picking.carrier_price / len(shipped)
