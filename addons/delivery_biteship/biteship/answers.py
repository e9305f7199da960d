"""Biteship's answers read as the connector needs them, and the request
bodies whose shape is a rule: pure functions over the JSON, no Odoo import.

Real answers leave out keys the docs list (``currency``,
``available_collection_method``...), spell numbers as numbers and ids as
strings (a waybill ``"000000000000"`` keeps its zeros): see
``shared/biteship_real_payloads/README.md``, "Observed shapes".
"""

import re

from .tracking import order_news

# origin_collection_method of POST /v1/orders, from available_collection_method
# of the rates; without it Biteship picks up ("Default to pickup"):
# https://biteship.com/id/docs/api/orders/create
COLLECTION_METHODS = ("pickup", "drop_off")
DEFAULT_COLLECTION_METHODS = ("pickup",)
# cancellation_reason_code of POST /v1/orders/:id/cancel, from
# GET /v1/orders/cancellation_reasons (https://biteship.com/id/docs/api/orders/delete)
CANCEL_REASON_CODES = ("change_courier", "pickup_delay", "change_address", "others")


def _number(value):
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value):
    return "" if value is None else str(value).strip()


def collection_methods(entry):
    """How a rates entry's parcel may leave the shop: its
    ``available_collection_method`` known values, Biteship's default (pickup)
    when the entry does not say (older answers, J&T Cargo, Ninja)."""
    methods = entry.get("available_collection_method")
    if not isinstance(methods, list):
        return DEFAULT_COLLECTION_METHODS
    return tuple(m for m in COLLECTION_METHODS if m in methods)


def duration_hours(entry):
    """Upper bound of a service's delivery time in hours, from
    shipment_duration_range ("1 - 2", "1") and _unit (days, hours); None when
    not given."""
    numbers = re.findall(r"\d+", _text(entry.get("shipment_duration_range")))
    if not numbers:
        return None
    unit = _text(entry.get("shipment_duration_unit") or "days").lower()
    return max(int(n) for n in numbers) * (1 if unit.startswith("hour") else 24)


def rate_service(entry):
    """One ``pricing`` entry of POST /v1/rates/couriers -> the service it
    prices: company, service (lower-case codes), price (rupiah), names,
    duration, hours, collection methods, cash on delivery. None when it names
    no service or has no rupiah price (an entry without ``currency`` is
    rupiah, Biteship's only currency)."""
    if not isinstance(entry, dict):
        return None
    company = _text(entry.get("courier_code") or entry.get("company")).lower()
    service = _text(entry.get("courier_service_code") or entry.get("type")).lower()
    price = _number(entry.get("price"))
    if not (company and service) or price is None or price < 0:
        return None
    if _text(entry.get("currency") or "IDR").upper() != "IDR":
        return None
    return {
        "key": f"{company}:{service}",
        "company": company,
        "service": service,
        "price": price,
        "courier_name": _text(entry.get("courier_name")) or company.upper(),
        "service_name": _text(entry.get("courier_service_name")) or service.upper(),
        "duration_range": _text(entry.get("shipment_duration_range")),
        "duration_unit": _text(entry.get("shipment_duration_unit")).lower(),
        "duration": _text(entry.get("duration")),
        "hours": duration_hours(entry),
        "collection_methods": collection_methods(entry),
        "cod": entry.get("available_for_cash_on_delivery") is True,
    }


def rate_services(answer):
    """Every service a rates answer prices (see rate_service), in its order."""
    pricing = answer.get("pricing") if isinstance(answer, dict) else None
    services = (rate_service(entry) for entry in pricing or [])
    return [service for service in services if service]


def booked_order(answer):
    """An order answer (POST /v1/orders, GET /v1/orders/:id, a confirmed
    draft) -> id, status, courier company and type, tracking id, waybill
    (text, zeros kept), link, price (rupiah or None), collection method.
    Raises ValueError when it is not an order (no id, a draft order). The
    courier side is tracking.order_news's reading of it."""
    if not isinstance(answer, dict) or answer.get("object") not in (None, "order"):
        raise ValueError("not a Biteship order")
    order_id = _text(answer.get("id"))
    if not order_id:
        raise ValueError("a Biteship order without id")
    news = order_news(answer)
    origin = answer.get("origin") if isinstance(answer.get("origin"), dict) else {}
    return {
        "id": order_id,
        "status": news["status"],
        "company": news["courier"]["company"],
        "type": news["courier"]["type"],
        "tracking_id": news["tracking_id"],
        "waybill": news["waybill"],
        "link": news["link"],
        "price": _number(answer.get("price")),
        "collection_method": _text(origin.get("collection_method")),
    }


def cancel_body(reason_code="others", reason=None):
    """Body of POST /v1/orders/:id/cancel: one of CANCEL_REASON_CODES, the
    free-text reason only with ``others``. Raises ValueError on another code."""
    if reason_code not in CANCEL_REASON_CODES:
        raise ValueError(f"unknown cancellation reason code {reason_code!r}")
    body = {"cancellation_reason_code": reason_code}
    if reason_code == "others":
        body["cancellation_reason"] = reason or "Cancelled by the shop"
    return body


def cancelled_order(answer):
    """A cancel answer -> id, status, reason (the older answers have no
    reason code)."""
    answer = answer if isinstance(answer, dict) else {}
    return {
        "id": _text(answer.get("id")),
        "status": _text(answer.get("status")).lower(),
        "reason_code": _text(answer.get("cancellation_reason_code")),
        "reason": _text(answer.get("cancellation_reason")),
    }
