"""Biteship statuses: what they mean for a shipment, and how Biteship spells
times. Tables and pure functions; the models import them."""

from datetime import datetime, timezone

import pytz
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Biteship order / tracking status -> our shipment state: the one mapping.
# The statuses Biteship documents (https://biteship.com/docs/api/orders/overview,
# 14 of them; the help centre's "How to Understand Shipping Statuses in
# Biteship", article 39545043724057), plus in_transit ("Middle Mile", in the
# newest copy of orders/overview and in order.status webhooks) and placed
# (the 2021 orders API, still in old orders' history). A status not listed
# here is recorded with its raw value and no state (the shipment keeps its
# own) and asks a person to map it. The trackings/status page spells some in
# camelCase (pickingUp) that no real answer uses: normalised first anyway.
BITESHIP_STATUS_MAP = {
    "placed": "label_created",
    "confirmed": "label_created",
    "scheduled": "label_created",
    "allocated": "label_created",
    "picking_up": "label_created",
    "picked": "picked_up",
    "in_transit": "in_transit",
    # Regular couriers stay in dropping_off for the whole line haul (days, one
    # entry per hub scan in real answers): "out for delivery" would promise
    # the parcel today.
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
    "placed": _lt("Shipment ordered from the courier"),
    "confirmed": _lt("Shipment booked with the courier"),
    "scheduled": _lt("Pickup scheduled"),
    "allocated": _lt("Courier assigned to pick up the parcel"),
    "picking_up": _lt("Courier on the way to pick up the parcel"),
    "picked": _lt("Courier picked up the parcel"),
    "in_transit": _lt("Parcel in transit between the courier's hubs"),
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
    """A Biteship time -> naive UTC datetime, None when it gave none.

    Every form seen: webhooks' `2026-04-07T22:25:15.115Z` (UTC, milliseconds),
    tracking history's `2023-03-09T08:12:00+07:00`, orders' delivery
    `2029-09-24T12:00+07:00` (no seconds); a time without zone is Jakarta's.
    Anything else raises ValueError."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = BITESHIP_TZ.localize(moment)
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
