"""Biteship's tracking news read into plain values: webhooks, order answers
(GET /v1/orders/:id) and tracking answers (GET /v1/trackings/...). Pure
functions over the decoded JSON, no ORM: the payloads Biteship really sends
(``shared/biteship_real_payloads``) are read by these in the tests, and the
models apply what they return.

Shapes as seen (the payloads' README, "Observed shapes"): webhooks are flat
(``courier_waybill_id``, ``courier_link``...) with ``updated_at`` in UTC, or
without it (the docs' example); order answers keep the history and the link
under ``courier``; tracking answers at the top; public tracking answers have
no ``link`` nor ``order_id`` at all; any of these may be null; courier codes
come in upper case from the docs.
"""

import re
from urllib.parse import quote

from odoo.addons.delivery_carrier_tracking.shipment_rules import is_web_url

from .status import BITESHIP_STATUS_MAP, normalize_status, parse_time

# Biteship's public page of a shipment: by its tracking id, as Biteship's own
# courier_link has it (https://track.biteship.com/<courier_tracking_id> in
# the order.status webhooks), else by waybill as draft_orders/confirm
# documents it (https://track.biteship.com?waybill_id=<waybill>).
BITESHIP_TRACK_URL = "https://track.biteship.com"
# Biteship's dashboard checks a webhook URL with an empty body, or "{}"
# (two sources each), without the custom header.
INSTALL_PING_RE = re.compile(rb"\s*(\{\s*\})?\s*")


def is_install_ping(raw_body):
    """Whether a webhook body is the dashboard's installation check."""
    return bool(INSTALL_PING_RE.fullmatch(raw_body or b""))


def public_tracking_url(waybill, tracking_id=None):
    """Biteship's public tracking page of a shipment."""
    if tracking_id:
        return f"{BITESHIP_TRACK_URL}/{quote(tracking_id, safe='')}"
    return f"{BITESHIP_TRACK_URL}?waybill_id={quote(waybill, safe='')}"


def _text(value):
    """A Biteship id or code as text ('' for null or absent); a waybill sent
    as a JSON number stays its digits."""
    if value is None or isinstance(value, bool):
        return ""
    if not isinstance(value, (str, int)):
        raise TypeError(f"{value!r} is not an identifier")
    return str(value).strip()


def _object(value):
    return value if isinstance(value, dict) else {}


def status_news(status, moment=None, note=None):
    """One status as Biteship reports it: its normalised code, the shipment
    state it means (None: not in the table), its time (None: Biteship gave
    none) and its note."""
    status = normalize_status(status)
    return {
        "status": status,
        "state": BITESHIP_STATUS_MAP.get(status),
        "time": parse_time(moment),
        "note": str(note or "").strip(),
    }


def history_news(history):
    """The status entries of a history list (a tracking answer's history, an
    order's courier.history), in Biteship's order; `repeat`: the status came
    earlier in the list (hub after hub in dropping_off). Entries without a
    status are no news."""
    events, seen = [], set()
    for entry in history if isinstance(history, list) else []:
        if not isinstance(entry, dict) or not normalize_status(entry.get("status")):
            continue
        event = status_news(entry["status"], entry.get("updated_at"), entry.get("note"))
        event["repeat"] = event["status"] in seen
        seen.add(event["status"])
        events.append(event)
    return events


def _courier(courier):
    """Courier company, service and driver, lower-case codes."""
    return {
        "company": _text(courier.get("company")).lower(),
        "type": _text(courier.get("type")).lower(),
        "driver_name": _text(courier.get("driver_name")),
        "driver_phone": _text(courier.get("driver_phone")),
    }


def _news(ids, courier, link, status, history, hint=None):
    """The news of a tracking or order answer; `ids`: (order_id,
    tracking_id, waybill) as Biteship sent them. Its status now is an event
    too when the history lacks it (timed by the webhook `hint` about that
    status, else untimed); `current`: that event (None without status)."""
    order_id, tracking_id, waybill = (_text(value) for value in ids)
    status = normalize_status(status)
    events = history_news(history)
    current = [event for event in events if event["status"] == status]
    if status and not current:
        same = bool(hint) and hint["status"] == status
        events.append(status_news(status, hint["updated_at"] if same else None))
        events[-1]["repeat"] = False
        current = events[-1:]
    return {
        "order_id": order_id,
        "tracking_id": tracking_id,
        "waybill": waybill,
        # anything but an http(s) page is dropped here: nothing else reaches
        # a page or a mail
        "link": link if is_web_url(link) else "",
        "courier": _courier(courier),
        "status": status,
        "events": events,
        "current": current[-1] if current else None,
    }


def tracking_news(answer):
    """A tracking answer (GET /v1/trackings/:id, or the public
    /v1/trackings/:waybill/couriers/:code) -> order_id, tracking_id,
    waybill, link, courier, status (now), events (its history) and current
    (the event of its status now)."""
    return _news(
        (answer.get("order_id"), answer.get("id"), answer.get("waybill_id")),
        _object(answer.get("courier")),
        answer.get("link"),
        answer.get("status"),
        answer.get("history"),
    )


def order_news(order, hint=None):
    """An order answer (GET /v1/orders/:id, POST /v1/orders) -> the keys of
    tracking_news, from its courier object (history, link, ids). The
    current status's time: its latest entry in courier.history, else the
    webhook `hint` (webhook_news) when the hint is about that status."""
    courier = _object(order.get("courier"))
    return _news(
        (order.get("id"), courier.get("tracking_id"), courier.get("waybill_id")),
        courier,
        courier.get("link"),
        order.get("status"),
        courier.get("history"),
        hint,
    )


def webhook_news(payload):
    """A webhook body -> event (order.status, order.waybill_id,
    order.price...), order_id, status, updated_at (as sent), waybill,
    tracking_id, courier (codes in lower case), link. A hint only: the model
    confirms it with GET /v1/orders/:id. Raises TypeError on an id or a
    waybill that is not one, ValueError on a time that is not one."""
    return {
        "event": _text(payload.get("event")),
        "order_id": _text(payload.get("order_id")),
        "status": normalize_status(payload.get("status")),
        "updated_at": payload.get("updated_at") or None,
        "waybill": _text(payload.get("courier_waybill_id")),
        "tracking_id": _text(payload.get("courier_tracking_id")),
        "courier": _courier(
            {
                "company": payload.get("courier_company"),
                "type": payload.get("courier_type"),
                "driver_name": payload.get("courier_driver_name"),
                "driver_phone": payload.get("courier_driver_phone"),
            }
        ),
        "link": payload.get("courier_link")
        if is_web_url(payload.get("courier_link"))
        else "",
    }
