"""Biteship statuses: what they mean for a shipment, and how Biteship spells
times. Tables and pure functions; the models import them."""

from datetime import datetime, timezone

import pytz
from odoo import fields
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Biteship order / tracking status -> our shipment state: the one mapping.
# Tracking answers spell statuses in camelCase (pickingUp): normalised first.
BITESHIP_STATUS_MAP = {
    "confirmed": "label_created",
    "scheduled": "label_created",
    "allocated": "label_created",
    "picking_up": "label_created",
    "picked": "picked_up",
    # Regular couriers stay in dropping_off for the whole line haul (days):
    # "out for delivery" would promise the parcel today.
    "dropping_off": "in_transit",
    "delivered": "delivered",
    "cancelled": "cancelled",
    "rejected": "cancelled",
    # Need a person: no courier, held parcel, parcel coming back, destroyed
    # parcel (a claim, not a plain cancellation).
    "courier_not_found": "exception",
    "on_hold": "exception",
    "return_in_transit": "exception",
    "disposed": "exception",
    "returned": "returned",
}
# What an event says when Biteship sends no note (order.status webhooks never
# do): a sentence for the portal, not the state's name a second time.
BITESHIP_STATUS_DESCRIPTIONS = {
    "confirmed": _lt("Shipment booked with the courier"),
    "scheduled": _lt("Pickup scheduled"),
    "allocated": _lt("Courier assigned to pick up the parcel"),
    "picking_up": _lt("Courier on the way to pick up the parcel"),
    "picked": _lt("Courier picked up the parcel"),
    "dropping_off": _lt("Parcel on its way to the recipient"),
    "delivered": _lt("Parcel delivered to the recipient"),
    "cancelled": _lt("Shipment cancelled"),
    "rejected": _lt("Shipment rejected by the courier"),
    "courier_not_found": _lt("No courier available for the pickup"),
    "on_hold": _lt("Parcel on hold at the courier"),
    "return_in_transit": _lt("Parcel on its way back to the sender"),
    "disposed": _lt("Parcel disposed of by the courier"),
    "returned": _lt("Parcel returned to the sender"),
}
# A re-sent delivery whose Biteship order ended this way gets a new order.
DEAD_ORDER_STATUSES = ("cancelled", "rejected", "courier_not_found")
# Biteship does not say which zone its naive times are in; its answers use +07:00.
BITESHIP_TZ = pytz.timezone("Asia/Jakarta")


def normalize_status(status):
    """'pickingUp' / 'picking_up' / 'Picking Up' -> 'picking_up'."""
    out = []
    for char in str(status or "").strip():
        if char.isupper() and out and out[-1] != "_":
            out.append("_")
        out.append("_" if char in " -" else char.lower())
    return "".join(out)


def parse_time(value):
    """Biteship ISO 8601 time -> naive UTC datetime (now when missing)."""
    if not value:
        return fields.Datetime.now()
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = BITESHIP_TZ.localize(moment)
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
