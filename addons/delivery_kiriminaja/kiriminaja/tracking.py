"""KiriminAja's tracking news read into plain values: the tracking answer
(POST /api/mitra/tracking) and the callbacks. Pure functions over the decoded
JSON, no ORM: the models turn what they return into the contract's events.

Events of one package are keyed so that the poll and the callback tell the
same news once: the callback's methods (processed / shipped / canceled /
finished / returned) and the tracking answer's ``shipped_at`` /
``delivered_at`` share a key per method; each history entry is keyed on its
status code and time.
"""

from datetime import datetime, timezone

import pytz
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# KiriminAja's package status codes (/docs/important-notes/status-mapping,
# "Status Code": entry, shipment, attempt and final states) -> our shipment
# state. A code not listed is recorded with no state and asks a person to map
# it (the contract's unmapped status).
KIRIMINAJA_STATUS_MAP = {
    "100": "label_created",  # new package created by the client
    "101": "label_created",  # pickup requested
    "102": "label_created",  # validated by the pickup officer
    "103": "picked_up",  # picked up by KiriminAja's driver
    "104": "picked_up",  # received and validated at KiriminAja's DC
    "105": "label_created",  # waiting for the courier's pickup / AWB
    "106": "in_transit",  # with the courier
    "107": "exception",  # reported by the driver
    "110": "label_created",  # direct pickup pending
    "152": "exception",  # re-delivery / undelivered
    "200": "delivered",
    "210": "exception",  # SOP violation, over SLA
    "211": "in_transit",  # violation resolved: on its way again
    "300": "cancelled",  # cancelled by the client
    "301": "exception",  # refused by the recipient (a return follows)
    "302": "cancelled",  # pickup cancelled by the seller
    "303": "exception",  # lost
    "310": "exception",  # rejected: recipient did not order
    "311": "exception",  # rejected: recipient unwilling to pay
    "333": "exception",  # destroyed by the courier
    "350": "exception",  # pickup cancellation requested, not done yet
    # 40x: the parcel is coming back (the contract has no "return in transit":
    # a person watches it, as Biteship's return_in_transit)
    "401": "exception",
    "402": "exception",
    "403": "exception",
    "404": "exception",
    "405": "exception",
    "406": "exception",
    "400": "returned",  # returned to the sender
    "500": "exception",
    "555": "exception",  # confiscated by customs
    "701": "exception",  # lost
    "702": "exception",  # damaged
    "703": "exception",  # lost-parcel claim settled
    "704": "exception",  # damaged-parcel claim settled
    "901": "exception",
    "902": "exception",
    "903": "exception",
    "904": "exception",
    "905": "exception",
}
# What says the parcel is coming back to the sender (the 40x codes, the
# callback's return flag, "returned" once it is back): the tracking
# contract's return to sender and failed COD read them.
RETURN_STATUS_CODES = (
    *(code for code in KIRIMINAJA_STATUS_MAP if code.startswith("40")),
    "returned_packages",
    "returned",
)
# Instant packages (/docs/instant/tracking) tell their progress by the
# dates of their answer's ``date``, not by status codes: each date is an
# event of ours (status code, state). One table for instant packages.
INSTANT_MILESTONES = {
    "created_at": ("instant_created", "label_created"),  # booked, no driver yet
    "allocated_at": ("instant_allocated", "label_created"),  # driver on the way
    "finished_at": ("instant_finished", "delivered"),
    "canceled_at": ("instant_canceled", "cancelled"),  # voided, or no driver
}
# A package whose latest status is one of these is dead: a re-sent delivery
# books a new one.
DEAD_STATUS_CODES = ("300", "302", "instant_canceled")

# The callback's methods (/docs/webhook/event, "Event (Express)") -> state.
# returned_packages is the return flag; with returned_at the parcel is back.
CALLBACK_STATES = {
    "processed_packages": "label_created",  # validated, AWB given
    "shipped_packages": "picked_up",  # picked up by the courier
    "canceled_packages": "cancelled",
    "finished_packages": "delivered",
    "returned_packages": "exception",
}
RETURNED_FLAG = "returned_packages"
# What a callback's event says (callbacks carry no text but a reason).
CALLBACK_DESCRIPTIONS = {
    "processed_packages": _lt("Package validated by KiriminAja, AWB given"),
    "shipped_packages": _lt("Courier picked up the parcel"),
    "canceled_packages": _lt("Shipment cancelled"),
    "finished_packages": _lt("Parcel delivered to the recipient"),
    "returned_packages": _lt("Parcel on its way back to the sender"),
    "returned": _lt("Parcel returned to the sender"),
    # the instant milestones (INSTANT_MILESTONES) carry no text either
    "instant_created": _lt("Instant delivery booked, waiting for a driver"),
    "instant_allocated": _lt("Driver assigned, on the way to pick up the parcel"),
    "instant_finished": _lt("Parcel delivered to the recipient"),
    "instant_canceled": _lt("Instant delivery cancelled"),
}
# KiriminAja's naive times ("2022-05-05 00:00:00") are Jakarta's.
KIRIMINAJA_TZ = pytz.timezone("Asia/Jakarta")


def parse_time(value):
    """A KiriminAja time -> naive UTC datetime; None when it gave none.
    Forms: "2021-07-14 16:00:00" (Jakarta) and "2025-01-09T06:02:03.000000Z"
    (the complete callback). Anything else raises ValueError or TypeError."""
    if not value:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a time")
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = KIRIMINAJA_TZ.localize(moment)
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def _text(value):
    """An id or code as text ('' for null); numbers keep their digits."""
    if value is None or isinstance(value, bool):
        return ""
    if not isinstance(value, (str, int)):
        raise TypeError(f"{value!r} is not an identifier")
    return str(value).strip()


def _milestone(order_id, method, moment, note="", key_suffix=""):
    return {
        "status_code": method,
        "state": CALLBACK_STATES[method],
        "time": parse_time(moment),
        "note": note,
        "key": f"kiriminaja:{order_id}:{method}{key_suffix}",
    }


def _returned(order_id, returned_at):
    """returned_packages: the flag (on its way back), or back at the sender
    once returned_at is filled."""
    if returned_at:
        event = _milestone(order_id, RETURNED_FLAG, returned_at, key_suffix=":done")
        event.update(state="returned", status_code="returned")
        return event
    return _milestone(order_id, RETURNED_FLAG, None)


def tracking_news(answer):
    """A tracking answer -> order_id, awb, events (oldest first), latest
    status code, shipping cost and its correction (rupiah), delivery proof
    image links."""
    details = answer.get("details") if isinstance(answer.get("details"), dict) else {}
    order_id = _text(details.get("order_id"))
    events = []
    histories = answer.get("histories")
    for entry in histories if isinstance(histories, list) else []:
        if not isinstance(entry, dict):
            continue
        code = _text(entry.get("status_code"))
        if not code:
            continue
        created_at = _text(entry.get("created_at"))
        events.append(
            {
                "status_code": code,
                "state": KIRIMINAJA_STATUS_MAP.get(code),
                "time": parse_time(created_at),
                "note": _text(entry.get("status")),
                "key": f"kiriminaja:{order_id}:{code}:{created_at}",
            }
        )
    # KiriminAja lists the newest first (/docs/order/tracking)
    events.sort(key=lambda event: event["time"] or datetime.min)
    latest = events[-1]["status_code"] if events else ""
    if details.get("shipped_at"):
        events.append(_milestone(order_id, "shipped_packages", details["shipped_at"]))
    if details.get("delivered") and details.get("delivered_at"):
        events.append(
            _milestone(order_id, "finished_packages", details["delivered_at"])
        )
    costs = details.get("costs") if isinstance(details.get("costs"), dict) else {}
    images = details.get("images") if isinstance(details.get("images"), dict) else {}
    return {
        "order_id": order_id,
        "awb": _text(details.get("awb")),
        "events": events,
        "latest": latest,
        "shipping_cost": costs.get("shipping_cost"),
        "correction": costs.get("correction") or 0,
        "images": [
            images[name]
            for name in ("camera_img", "signature_img", "pop_img")
            if isinstance(images.get(name), str) and images[name]
        ],
    }


def instant_tracking_news(result):
    """An instant tracking answer's ``result`` (/docs/instant/tracking) ->
    the same values as tracking_news: one event per date it gives (by
    INSTANT_MILESTONES), the AWB (``tracking_code``), the cost the shop pays
    (``total_price``: shipping and admin fee), and the courier's live map
    (``live_url``)."""
    order_id = _text(result.get("order_id"))
    dates = result.get("date") if isinstance(result.get("date"), dict) else {}
    events = []
    for field, (code, state) in INSTANT_MILESTONES.items():
        if not dates.get(field):
            continue
        note = _text(result.get("cancel_description")) if field == "canceled_at" else ""
        events.append(
            {
                "status_code": code,
                "state": state,
                "time": parse_time(dates[field]),
                "note": note,
                "key": f"kiriminaja:{order_id}:{code}:{dates[field]}",
            }
        )
    events.sort(key=lambda event: event["time"] or datetime.min)
    cost = result.get("cost") if isinstance(result.get("cost"), dict) else {}
    live_url = result.get("live_tracking_url")
    return {
        "order_id": order_id,
        "awb": _text(result.get("tracking_code")),
        "events": events,
        "latest": events[-1]["status_code"] if events else "",
        "shipping_cost": cost.get("total_price"),
        "correction": 0,
        "images": [],
        "live_url": live_url if isinstance(live_url, str) else "",
    }


def callback_news(payload):
    """A callback body -> one entry per package of its ``data``: order_id,
    awb (processed_packages, and the complete format of the others) and its
    event. Other methods (e.g. the deprecated return_finished_packages) and
    entries without order_id give nothing."""
    method = _text(payload.get("method"))
    data = payload.get("data")
    if method not in CALLBACK_STATES or not isinstance(data, list):
        return []
    news = []
    for entry in data:
        if not isinstance(entry, dict) or not _text(entry.get("order_id")):
            continue
        order_id = _text(entry["order_id"])
        if method == RETURNED_FLAG:
            event = _returned(order_id, entry.get("returned_at"))
        else:
            moment = {
                "processed_packages": entry.get("date"),
                "shipped_packages": entry.get("shipped_at"),
                "canceled_packages": entry.get("canceled_at") or entry.get("date"),
                "finished_packages": entry.get("finished_at"),
            }[method]
            event = _milestone(order_id, method, moment, _text(entry.get("reason")))
        news.append({"order_id": order_id, "awb": _text(entry.get("awb")), **event})
    return news


# An instant package's callback (/docs/webhook/event, "Instant Package"):
# ``data`` is one object, not a list.
INSTANT_CALLBACK = "update_instant_packages"


def instant_callback_news(payload):
    """An instant package's callback -> its order_id, awb and live map URL;
    None for other callbacks. Its ``status`` words are not listed (the page
    shows "cancel" only): the package's state is read by the poll."""
    data = payload.get("data")
    if payload.get("method") != INSTANT_CALLBACK or not isinstance(data, dict):
        return None
    order_id = _text(data.get("order_id"))
    if not order_id:
        return None
    live_url = data.get("live_track_url")
    return {
        "order_id": order_id,
        "awb": _text(data.get("awb")),
        "live_url": live_url if isinstance(live_url, str) else "",
    }


def shipment_key(payload):
    """The one package a callback is about (its callbacks applied in order),
    False when it names several."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, dict):  # an instant package's callback
        data = [data]
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict):
        order_id = data[0].get("order_id")
        return order_id if isinstance(order_id, str) else False
    return False
