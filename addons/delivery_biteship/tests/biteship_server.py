"""Stand-in for the Biteship REST API on loopback, for tests and benchmarks.

Implements, with in-memory state, the documented endpoints the connector uses:
``POST /v1/rates/couriers``, ``POST /v1/orders``, ``GET /v1/orders/:id``,
``POST /v1/orders/:id/cancel``, ``GET /v1/trackings/:id`` and
``GET /v1/trackings/:waybill_id/couriers/:courier_code``, with the ``authorization``
header checked and error answers shaped ``{success: false, error, code}``.

Faults are injected for the next N API requests: ``timeout`` (no answer for
``delay`` seconds, then the connection is closed), ``500``, ``401``, ``malformed``
(a 200 whose body is cut-off JSON), ``reset`` (TCP reset, no answer), ``429``
(rate limited, ``Retry-After: <delay>``) and ``lost`` (the request is carried
out, e.g. the order created, then the connection is reset: the answer is lost).

Documented rules enforced (each cited where it is checked): ``reference_id``
unique per account (40002060 with the existing order in ``details``), the
cancellation reason code and the cancellable statuses (40002053), amounts in
whole rupiah, the order statuses Biteship documents, ``order.status``
webhooks shaped as real ones (``updated_at`` in UTC), public tracking answers
without ``link``, and cash on delivery (amount up to IDR 15,000,000, payout
window, couriers without COD refused with 40002009; rates give each service's
COD fee). An order's price is its ``courier.shipment_fee`` plus its fees; a
re-weighed parcel changes both, as Biteship's ``order.price`` webhook then
reports.

An optional rate limit (``rate_limit`` requests per second, as Biteship
limits each account: https://help.biteship.com/hc/en-us/articles/40080182901145,
"Biteship API Rate Limit Restrictions in Production and Sandbox") answers
the requests above it in any one-second window with HTTP 429. That page
documents neither the answer's body nor a Retry-After header: the body is
Biteship's usual error shape, ``Retry-After`` is sent only when
``rate_limit_retry_after`` is set. ``request_times`` keeps the arrival time
(time.monotonic()) of every API request, ``throttled`` counts the 429s.

Recorded answers (real payloads) can be served for given requests (``serve``).

Tests replay captured answers through it: ``replay(route, body, status)``
makes the next request to that route (a name of ``ROUTES``) get that answer
as it is, whatever was sent (the request is kept in ``replayed``).

Usable three ways: imported (``BiteshipStandIn().start()``), standalone
(``python biteship_server.py --port 8099 --api-key KEY``) and driven over HTTP
through ``/_control/...`` (faults, status changes, re-weighing, webhooks,
counters) by tests that run it as a separate process. It imports nothing from
Odoo.
"""

import argparse
import collections
import hashlib
import hmac
import itertools
import json
import math
import re
import secrets
import socket
import struct
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

FAULTS = ("timeout", "500", "401", "malformed", "reset", "429", "lost")
JAKARTA = timezone(timedelta(hours=7))

# courier company -> {service type: (service name, base price per kg, duration)}
COURIERS = {
    "jne": {
        "reg": ("Reguler", 9000, "1 - 2"),
        "yes": ("Yakin Esok Sampai", 18000, "1 - 1"),
        "oke": ("Ongkos Kirim Ekonomis", 7000, "2 - 3"),
    },
    "jnt": {"ez": ("Regular", 9500, "2 - 3")},
    "sicepat": {
        "reg": ("Reguler", 8500, "1 - 2"),
        "best": ("Besok Sampai", 16000, "1"),
    },
    "anteraja": {"reg": ("Regular", 8800, "2 - 3")},
    "wahana": {"deno": ("Deno", 4000, "2 - 3")},
    # instant couriers: priced by distance, durations in hours
    "gojek": {"instant": ("Instant", 0, "1 - 3"), "same_day": ("Same Day", 0, "6 - 8")},
    "grab": {"instant": ("Instant", 0, "1 - 3"), "same_day": ("Same Day", 0, "6 - 8")},
}
# Rates: "For Instant couriers such as Gojek, Grab, Paxel, Lalamove and Borzo
# require a coordinate to generate price" (origin_/destination_latitude and
# _longitude); orders: "If you use an instant courier, you must use coordinate"
# (origin_coordinate / destination_coordinate {latitude, longitude}).
# https://biteship.com/id/docs/api/rates/retrieve
# https://biteship.com/en/docs/api/orders/create
INSTANT_COURIERS = {"gojek", "grab", "paxel", "lalamove", "borzo"}
INSTANT_BASE, INSTANT_PER_KM = 12000, 2500
# Cash on delivery: destination_cash_on_delivery is the rupiah amount the
# courier collects ("cannot exceed IDR 15.000.000"), with
# destination_cash_on_delivery_type, the payout window (7_days, 5_days or
# 3_days: "You must fill in destination_cash_on_delivery_type too"), in rates
# and order requests. Every rates answer tells per service
# available_for_cash_on_delivery; a rates request with a COD amount also gets
# each service's cash_on_delivery_fee (0 for a courier without COD), added to
# its price ("Rates with COD Fee"). A courier without COD refuses the order
# with 40002009 "Courier is not available for cash on delivery service"; a
# bad extra feature is 40002008 on orders, 40001002 on rates.
# https://biteship.com/id/docs/api/rates/retrieve
# https://biteship.com/id/docs/api/orders/create
# https://biteship.com/id/docs/api/orders/error
COD_MAX_AMOUNT = 15_000_000
COD_TYPES = ("3_days", "5_days", "7_days")
# Stand-in convention (Biteship does not publish its tariff): the fee is 3 %
# of the amount collected, at least IDR 2,500. Instant couriers and J&T: no COD.
COD_FEE_RATE, COD_FEE_MIN = 0.03, 2500
COURIER_NAMES = {"jnt": "J&T", "gojek": "GoSend", "grab": "GrabExpress"}
# How a service takes parcels: each rates entry lists it as
# available_collection_method, and an order names one of them as
# origin_collection_method (default pickup); the docs' example has wahana's
# deno for drop-off only. orders/error lists no code of its own for a method
# the service lacks: the stand-in refuses with its "correct extra feature(s)"
# code, 40002008.
# https://biteship.com/id/docs/api/rates/retrieve
# https://biteship.com/id/docs/api/orders/create
COLLECTION_METHODS = ("pickup", "drop_off")
DROP_OFF_ONLY = {("wahana", "deno")}
# POST /v1/orders/:id/cancel: "cancellation_reason_code" is one of these;
# "cancellation_reason" (free text) is read only with "others". Only orders
# still waiting for the courier can be cancelled, else error 40002053.
# https://biteship.com/id/docs/api/orders/delete
# https://biteship.com/id/docs/api/orders/error
CANCELLABLE = {"confirmed", "scheduled", "allocated", "picking_up"}
CANCEL_REASON_CODES = {"change_courier", "pickup_delay", "change_address", "others"}
# Required order fields and the code orders/error gives each missing one
# (https://biteship.com/id/docs/api/orders/error).
ORDER_REQUIRED = {
    "origin_contact_name": 40002014,
    "origin_contact_phone": 40002015,
    "origin_address": 40002016,
    "destination_contact_name": 40002017,
    "destination_contact_phone": 40002018,
    "destination_address": 40002019,
    "courier_company": 40002026,
    "courier_type": 40002004,
    "delivery_type": 40002005,
    "items": 40002038,
}
# Authentication (https://biteship.com/id/docs/api/authentication): a wrong
# key gets HTTP 400 with 40000001 (live-API assertions of the go-biteship
# SDKs), no key 401 with 40101001.
WRONG_KEY = (
    400,
    (
        "Authentication for your key is failed. Please make sure input the right "
        "key or contact info@biteship.com for more information."
    ),
    40000001,
)
NO_KEY = (401, "Authorization failed", 40101001)
# Order statuses, snake_case in orders, trackings and webhooks alike (the
# trackings/status page's camelCase appears in no real answer): the 14 of
# https://biteship.com/docs/api/orders/overview, in_transit ("Middle Mile",
# its newest copy; real order.status webhooks) and placed (the 2021 API).
ORDER_STATUSES = (
    "placed",
    "confirmed",
    "scheduled",
    "allocated",
    "picking_up",
    "picked",
    "in_transit",
    "dropping_off",
    "delivered",
    "cancelled",
    "rejected",
    "courier_not_found",
    "on_hold",
    "return_in_transit",
    "returned",
    "disposed",
)


def sign_webhook(secret, raw_body, timestamp=None):
    """Headers of the generic tracking webhook scheme (HMAC-SHA256)."""
    timestamp = str(int(timestamp if timestamp is not None else time.time()))
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256
    ).hexdigest()
    return {"X-Tracking-Timestamp": timestamp, "X-Tracking-Signature": digest}


def max_in_window(times, window=1.0):
    """The most of these sorted times within any `window` seconds."""
    most, first = 0, 0
    for last, time_ in enumerate(times):
        while times[first] <= time_ - window:
            first += 1
        most = max(most, last - first + 1)
    return most


class ApiError(Exception):
    def __init__(self, status, error, code, details=None, headers=None):
        super().__init__(error)
        self.status, self.error, self.code = status, error, code
        self.details, self.headers = details, headers or {}


class BiteshipStandIn:
    def __init__(self, api_key="biteship_test.standin", host="127.0.0.1", port=0):
        self.api_key = api_key
        self.host, self.port = host, port
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = None
        self._thread = None
        self.reset()

    # -- life cycle ----------------------------------------------------------

    def reset(self):
        with self.lock:
            self.orders = {}
            self.orders_created = 0
            self.requests = 0
            # bodies of the rates requests received (tests count and read them)
            self.rates_requests = []
            # bodies of the orders/create requests received, accepted or not
            self.order_requests = []
            self.faults = []
            # route name -> [[status, body, count], ...] (see replay)
            self.canned = {}
            self.replayed = []
            # Some couriers issue the waybill after the order: webhook order.waybill_id.
            self.waybill_on_create = True
            self.latency = 0.0
            self.rate_limit = None  # requests per second, None: unlimited
            self.rate_limit_retry_after = None  # seconds, None: no header
            self.request_times = []
            self.throttled = 0
            self._accepted = collections.deque()  # arrivals of the last second
            # Biteship's public tracking page of an order (courier.link), as
            # order.status webhooks show it; None: no link, as orders/create
            # answers it ("link": null)
            self.link_format = "https://track.biteship.com/{tracking_id}"
            self._waybills = itertools.count(1)
            # order id -> the return postage its courier charges (see
            # return_to_sender); not a field of Biteship's answers
            self.return_postage = {}
            # (method, path) -> (status, body): a recorded Biteship answer
            # served as it is for every such request once the key is checked
            # (see serve; replay's canned answers come before the key check)
            self.served = {}

    def start(self):
        self._httpd = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.standin = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="biteship-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    # -- switches used by tests ------------------------------------------------

    def inject(self, kind, count=1, delay=3.0, route=None):
        """Make the next ``count`` API requests (to ``route``, a name of
        ROUTES, if given) fail with ``kind`` (see FAULTS)."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}, expected one of {FAULTS}")
        if route is not None and route not in {name for *_r, name in self.ROUTES}:
            raise ValueError(f"unknown route {route!r}")
        with self.lock:
            self.faults.append([kind, count, delay, route])

    def replay(self, route, body, status=200, count=1):
        """Answer the next ``count`` requests to ``route`` (a name of ROUTES,
        e.g. "create_order") with ``body`` and ``status``, as captured."""
        if route not in {name for _verb, _pattern, name in self.ROUTES}:
            raise ValueError(f"unknown route {route!r}")
        with self.lock:
            self.canned.setdefault(route, []).append([status, body, count])

    def _take_canned(self, method, path, body):
        with self.lock:
            for verb, pattern, name in self.ROUTES:
                if verb == method and pattern.match(path) and self.canned.get(name):
                    canned = self.canned[name][0]
                    canned[2] -= 1
                    if canned[2] <= 0:
                        self.canned[name].pop(0)
                    self.replayed.append((name, body))
                    return canned[0], canned[1]
        return None

    def check_rate_limit(self):
        """Refuse (429) a request above the rate limit: one that arrived when
        `rate_limit` others were accepted within the last second."""
        now = time.monotonic()
        with self.lock:
            self.request_times.append(now)
            if not self.rate_limit:
                return
            while self._accepted and self._accepted[0] <= now - 1.0:
                self._accepted.popleft()
            if len(self._accepted) < self.rate_limit:
                self._accepted.append(now)
                return
            self.throttled += 1
            retry_after = self.rate_limit_retry_after
        raise ApiError(
            429,
            "Too many requests",
            42900001,
            headers={"Retry-After": str(retry_after)} if retry_after else None,
        )

    def _take_fault(self, method, path):
        with self.lock:
            if not self.faults:
                return None
            fault = self.faults[0]
            if fault[3] is not None and not any(
                verb == method and pattern.match(path) and name == fault[3]
                for verb, pattern, name in self.ROUTES
            ):
                return None
            fault[1] -= 1
            if fault[1] <= 0:
                self.faults.pop(0)
            return fault[0], fault[2]

    def serve(self, method, path, body, status=200):
        """Answer `method` `path` with a recorded Biteship answer (a real
        payload) once the API key is checked, instead of this stand-in's own."""
        with self.lock:
            self.served[(method, path)] = (status, body)

    def set_status(self, order_id, status, note=None, when=None):
        """Move an order on, as the courier would; returns the history entry.
        Only statuses Biteship documents (ORDER_STATUSES)."""
        if status not in ORDER_STATUSES:
            raise ValueError(f"{status!r} is not a Biteship order status")
        with self.lock:
            order = self.orders[order_id]
            return self._push_history(order, status, note, when)

    def set_waybill(self, order_id, waybill_id=None):
        with self.lock:
            order = self.orders[order_id]
            order["courier"]["waybill_id"] = waybill_id or self._next_waybill(order)
            return order["courier"]["waybill_id"]

    def _next_waybill(self, order):
        return f"{order['courier']['company'].upper()}{next(self._waybills):010d}"

    @staticmethod
    def _now():
        return datetime.now(JAKARTA).replace(microsecond=0)

    def _push_history(self, order, status, note=None, when=None):
        when = (when or self._now()).astimezone(JAKARTA)
        entry = {
            "note": note or f"Order {status.replace('_', ' ')}",
            "service_type": order["courier"]["type"],
            "updated_at": when.isoformat(),
            "status": status,
        }
        order["status"] = status
        order["history"].append(entry)
        return entry

    # -- webhooks ------------------------------------------------------------

    def webhook_payload(self, event, order_id):
        """Body of a Biteship webhook for the order's current state."""
        with self.lock:
            order = self.orders[order_id]
            courier = order["courier"]
            base = {
                "event": event,
                "order_id": order_id,
                "courier_tracking_id": courier["tracking_id"],
                "courier_waybill_id": courier["waybill_id"],
                "status": order["status"],
            }
            # order.status carries no history; real ones carry updated_at,
            # UTC with milliseconds (the docs' example has none).
            # https://biteship.com/id/docs/api/webhook
            if event == "order.status":
                when = datetime.fromisoformat(order["history"][-1]["updated_at"])
                base.update(
                    updated_at=when.astimezone(timezone.utc)
                    .isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
                    courier_company=courier["company"],
                    courier_type=courier["type"],
                    courier_driver_name=courier.get("driver_name"),
                    courier_driver_phone=courier.get("driver_phone"),
                    courier_driver_photo_url=None,
                    courier_driver_plate_number=courier.get("driver_plate_number"),
                    courier_link=courier["link"],
                    order_price=order["price"],
                )
            elif event == "order.waybill_id":
                base.update(
                    courier_company=courier["company"],
                    courier_type=courier["type"],
                    courier_link=courier["link"],
                )
            elif event == "order.price":
                base.update(
                    price=order["price"],
                    cash_on_delivery_fee=order["destination"]["cash_on_delivery"][
                        "fee"
                    ],
                    proof_of_delivery_fee=0,
                    shippment_fee=courier["shipment_fee"],  # sic, as Biteship spells it
                    updated_at=self._now().isoformat(),
                )
            else:
                raise ValueError(f"unknown webhook event {event!r}")
            return base

    def send_webhook(
        self, url, payload, secret=None, header_name=None, timestamp=None, timeout=15
    ):
        """POST ``payload`` to ``url``; signed with the generic HMAC scheme when
        ``secret`` is given, and/or with Biteship's dashboard header
        ``header_name: secret``. Returns ``(status, text)``."""
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if secret and header_name:
            headers[header_name] = secret
        elif secret:
            headers.update(sign_webhook(secret, raw, timestamp))
        response = requests.post(url, data=raw, headers=headers, timeout=timeout)
        return response.status_code, response.text

    # -- API -------------------------------------------------------------------

    def _check_auth(self, headers):
        key = headers.get("authorization")
        if key != self.api_key:
            raise ApiError(*(WRONG_KEY if key else NO_KEY))

    @staticmethod
    def _weight_kg(items):
        grams = 0
        for item in items:
            try:
                grams += float(item["weight"]) * int(item.get("quantity") or 1)
            except (KeyError, TypeError, ValueError) as e:
                raise ApiError(
                    400, "Each item needs a numeric weight and quantity", 40001002
                ) from e
        return max(1, math.ceil(grams / 1000.0))

    @staticmethod
    def _check_items(body, code=40001001):
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "items is required", code)
        for item in items:
            if not isinstance(item, dict) or not item.get("name"):
                raise ApiError(400, "items.name is required", code)
        return items

    @staticmethod
    def _check_place(body, side, code=40001001):
        if not any(
            body.get(f"{side}_{key}")
            for key in ("postal_code", "area_id", "coordinate", "latitude")
        ):
            raise ApiError(
                400, f"{side}_postal_code or {side}_area_id is required", code
            )

    @staticmethod
    def _flat_coordinates(body):
        """(origin, destination) (lat, lng) pairs of a rates request, None
        where not given as numbers."""
        pairs = []
        for side in ("origin", "destination"):
            lat, lng = body.get(f"{side}_latitude"), body.get(f"{side}_longitude")
            numbers = all(
                isinstance(v, (int, float)) and not isinstance(v, bool)
                for v in (lat, lng)
            )
            pairs.append((float(lat), float(lng)) if numbers else None)
        return pairs

    @staticmethod
    def _km(origin, destination):
        (lat1, lng1), (lat2, lng2) = origin, destination
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lng2 - lng1)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 6371.0 * 2 * math.asin(math.sqrt(a))

    def rates(self, body):
        # One request prices every courier listed in `couriers`, "separated by
        # commas" (https://biteship.com/id/docs/api/rates/retrieve).
        self._check_place(body, "origin")
        self._check_place(body, "destination")
        items = self._check_items(body)
        couriers = [c.strip() for c in str(body.get("couriers") or "").split(",")]
        couriers = [c for c in couriers if c]
        if not couriers:
            raise ApiError(400, "couriers is required", 40001001)
        cod_amount = self._check_cod(body, code=40001002)
        with self.lock:
            self.rates_requests.append(body)
        kg = self._weight_kg(items)
        origin, destination = self._flat_coordinates(body)
        km = self._km(origin, destination) if origin and destination else None
        pricing = []
        # Stand-in convention: destination postal codes 99xxx are not served.
        served = not str(body.get("destination_postal_code", "")).startswith("99")
        for company in couriers:
            instant = company in INSTANT_COURIERS
            # Instant couriers are priced by distance: without both
            # coordinates Biteship offers none of them (same page).
            if not served or (instant and km is None):
                continue
            for code, (name, per_kg, span) in COURIERS.get(company, {}).items():
                unit = "hours" if instant else "days"
                shipping_fee = (
                    INSTANT_BASE + round(INSTANT_PER_KM * km)
                    if instant
                    else per_kg * kg
                )
                cod = self._cod_available(company)
                cod_fee = self._cod_fee(cod_amount) if cod and cod_amount else 0
                # the COD fee only for a request with a COD amount
                fees = {"cash_on_delivery_fee": cod_fee} if cod_amount else {}
                pricing.append(
                    {
                        "available_collection_method": self._collection_methods(
                            company, code
                        ),
                        "available_for_cash_on_delivery": cod,
                        "available_for_proof_of_delivery": False,
                        "available_for_instant_waybill_id": instant,
                        "available_for_insurance": True,
                        "company": company,
                        "courier_name": COURIER_NAMES.get(company, company.upper()),
                        "courier_code": company,
                        "courier_service_name": name,
                        "courier_service_code": code,
                        "type": code,
                        "description": name,
                        "duration": f"{span} {unit}",
                        "shipment_duration_range": span,
                        "shipment_duration_unit": unit,
                        "service_type": "same_day" if instant else "standard",
                        "shipping_type": "parcel",
                        "currency": "IDR",
                        "shipping_fee": shipping_fee,
                        **fees,
                        "price": shipping_fee + cod_fee,
                    }
                )
        return 200, {
            "success": True,
            "object": "courier_pricing",
            "message": "Success to retrieve courier pricing",
            "code": 20001003,
            "origin": {
                "postal_code": body.get("origin_postal_code"),
                "latitude": body.get("origin_latitude"),
                "longitude": body.get("origin_longitude"),
            },
            "destination": {
                "postal_code": body.get("destination_postal_code"),
                "latitude": body.get("destination_latitude"),
                "longitude": body.get("destination_longitude"),
            },
            "pricing": pricing,
        }

    @staticmethod
    def _collection_methods(company, service):
        if (company, service) in DROP_OFF_ONLY:
            return ["drop_off"]
        return ["pickup"] if company in INSTANT_COURIERS else list(COLLECTION_METHODS)

    @staticmethod
    def _check_rupiah(value, what, code):
        """Biteship's amounts (item value, courier_insurance, COD) are rupiah,
        which have no cents: a whole, non-negative number.
        https://biteship.com/id/docs/api/orders/create"""
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or value < 0
            or value != int(value)
        ):
            raise ApiError(
                400, f"{what} must be a whole amount of rupiah, got {value!r}", code
            )

    @staticmethod
    def _cod_available(company):
        return company not in INSTANT_COURIERS and company != "jnt"

    @staticmethod
    def _cod_fee(amount):
        return max(COD_FEE_MIN, round(amount * COD_FEE_RATE))

    def _check_cod(self, body, company=None, code=40002008):
        """The COD amount a rates or order request asks for (0 without
        one), refused (with `code`) as Biteship documents it: a whole amount
        of rupiah up to IDR 15,000,000 with one of the payout windows and,
        for an order, a courier that collects cash (see COD_MAX_AMOUNT)."""
        amount = body.get("destination_cash_on_delivery")
        if amount is None:
            return 0
        self._check_rupiah(amount, "destination_cash_on_delivery", code)
        if amount <= 0:
            raise ApiError(
                400, "destination_cash_on_delivery must be more than 0", code
            )
        if amount > COD_MAX_AMOUNT:
            raise ApiError(
                400,
                f"destination_cash_on_delivery can not be more than {COD_MAX_AMOUNT}",
                code,
            )
        if body.get("destination_cash_on_delivery_type") not in COD_TYPES:
            raise ApiError(
                400,
                "destination_cash_on_delivery_type must be one of "
                + ", ".join(COD_TYPES),
                code,
            )
        if company is not None and not self._cod_available(company):
            raise ApiError(
                400, "Courier is not available for cash on delivery service", 40002009
            )
        return int(amount)

    def create_order(self, body):
        # Returns (reverse orders) are ordinary orders whose pickup location
        # (origin_*) is the customer and destination the shop: orders/create
        # has no return endpoint nor field, so they meet every rule below
        # (required contacts, postal code or coordinates of both ends,
        # coordinates for instant couriers, the service's
        # available_collection_method, cash on delivery only where the
        # courier collects it).
        # https://biteship.com/id/docs/api/orders/create
        with self.lock:
            self.order_requests.append(body)
        for key, code in ORDER_REQUIRED.items():
            if not body.get(key):
                raise ApiError(400, f"{key} is required", code)
        self._check_place(body, "origin", 40002011)
        self._check_place(body, "destination", 40002010)
        items = self._check_items(body, 40002038)
        for item in items:
            self._check_rupiah(item.get("value", 0), "items.value", 40002038)
        if "courier_insurance" in body:
            self._check_rupiah(body["courier_insurance"], "courier_insurance", 40002999)
        reference = body.get("reference_id")
        if reference:
            # reference_id is unique per Biteship account: a second order with
            # it is refused with 40002060 and the existing order's ids.
            # https://biteship.com/id/docs/api/orders/create
            # https://biteship.com/id/docs/api/orders/error
            with self.lock:
                used = next(
                    (o for o in self.orders.values() if o["reference_id"] == reference),
                    None,
                )
            if used:
                raise ApiError(
                    400,
                    f"Reference id {reference} has been used",
                    40002060,
                    details={
                        "order_id": used["id"],
                        "waybill_id": used["courier"]["waybill_id"],
                    },
                )
        company, ctype = body["courier_company"], body["courier_type"]
        if company not in COURIERS:
            raise ApiError(400, "Selected courier does not exist", 40002026)
        if ctype not in COURIERS[company]:
            raise ApiError(400, f"Courier {company} {ctype} is not available", 40002027)
        collection = body.get("origin_collection_method") or "pickup"
        if collection not in self._collection_methods(company, ctype):
            raise ApiError(
                400,
                f"Courier {company} {ctype} is not available for collection "
                f"method {collection!r}",
                40002008,
            )
        coordinates = self._order_coordinates(body)
        if company in INSTANT_COURIERS:
            # "If you use an instant courier, you must use coordinate."
            # (https://biteship.com/en/docs/api/orders/create)
            if None in coordinates:
                side = "origin" if coordinates[0] is None else "destination"
                raise ApiError(
                    400,
                    f"{side}_coordinate is required for instant courier {company}",
                    40002023 if side == "origin" else 40002025,
                )
            price = INSTANT_BASE + round(INSTANT_PER_KM * self._km(*coordinates))
        else:
            price = COURIERS[company][ctype][1] * self._weight_kg(items)
        cod_amount = self._check_cod(body, company)
        with self.lock:
            order_id = secrets.token_hex(12)
            tracking_id = secrets.token_hex(12)
            order = {
                "id": order_id,
                "reference_id": body.get("reference_id"),
                "shipper": {
                    "name": body.get("shipper_contact_name"),
                    "phone": body.get("shipper_contact_phone"),
                    "organization": body.get("shipper_organization"),
                },
                "origin": {
                    "contact_name": body["origin_contact_name"],
                    "contact_phone": body["origin_contact_phone"],
                    "address": body["origin_address"],
                    "postal_code": body.get("origin_postal_code"),
                    "coordinate": body.get("origin_coordinate"),
                    "collection_method": collection,
                },
                "destination": {
                    "contact_name": body["destination_contact_name"],
                    "contact_phone": body["destination_contact_phone"],
                    "contact_email": body.get("destination_contact_email"),
                    "address": body["destination_address"],
                    "postal_code": body.get("destination_postal_code"),
                    "coordinate": body.get("destination_coordinate"),
                    # as orders/retrieve shows it (amount 0 without COD)
                    "cash_on_delivery": {
                        "id": secrets.token_hex(12) if cod_amount else None,
                        "amount": cod_amount,
                        "amount_currency": "IDR",
                        "fee": self._cod_fee(cod_amount) if cod_amount else 0,
                        "fee_currency": "IDR",
                        "note": None,
                        "type": (
                            body.get("destination_cash_on_delivery_type")
                            if cod_amount
                            else None
                        ),
                    },
                },
                "courier": {
                    "tracking_id": tracking_id,
                    "waybill_id": None,
                    "company": company,
                    "type": ctype,
                    "link": self.link_format
                    and self.link_format.format(tracking_id=tracking_id),
                    # an instant courier's driver, once one is allocated
                    "driver_name": None,
                    "driver_phone": None,
                    "driver_plate_number": None,
                    "insurance": {"amount": 0, "fee": 0, "note": ""},
                    "shipment_fee": price,
                },
                "delivery": {"type": body["delivery_type"], "note": body.get("note")},
                "items": items,
                "courier_insurance": body.get("courier_insurance"),
                "price": price,
                "status": "confirmed",
                "history": [],
            }
            order["price"] = self._order_price(order)
            if self.waybill_on_create:
                order["courier"]["waybill_id"] = self._next_waybill(order)
            self._push_history(order, "confirmed", "Order has been confirmed")
            self.orders[order_id] = order
            self.orders_created += 1
            return 200, self._order_view(order, "Order successfully created")

    @staticmethod
    def _order_price(order):
        """An order's price is its shipment fee plus its fees: orders/retrieve
        shows courier.shipment_fee 25000 + courier.insurance.fee 2500 = price
        27500, orders/create a price with its cash_on_delivery fee in it.
        https://biteship.com/id/docs/api/orders/retrieve
        https://biteship.com/id/docs/api/orders/create"""
        destination = order["destination"]
        return (
            order["courier"]["shipment_fee"]
            + order["courier"]["insurance"]["fee"]
            + destination["cash_on_delivery"]["fee"]
            + (destination.get("proof_of_delivery") or {}).get("fee", 0)
        )

    def reweigh(self, order_id, weight_kg):
        """The courier weighed the parcel (a regular courier's fee is per
        kilogram, rounded up): the shipment fee and price follow, as Biteship
        then tells with an ``order.price`` webhook; returns the new price."""
        with self.lock:
            order = self.orders[order_id]
            courier = order["courier"]
            per_kg = COURIERS[courier["company"]][courier["type"]][1]
            courier["shipment_fee"] = per_kg * max(1, math.ceil(weight_kg))
            order["price"] = self._order_price(order) + self.return_postage.get(
                order_id, 0
            )
            return order["price"]

    def return_to_sender(self, order_id, postage, status="return_in_transit"):
        """The courier brings the parcel back to the sender and charges
        `postage` (rupiah) for it: the order's status moves, its COD fee is
        no longer charged (nothing was collected) and its price holds the
        return postage, which Biteship's answers name nowhere but in the price
        (https://help.biteship.com/hc/id/articles/47699929054105: "Biaya COD
        tidak ditagihkan ... Ongkir retur ... sesuai kebijakan kurir";
        https://help.biteship.com/hc/en-us/articles/46270877494809: the courier
        sets it, the full one-way fee or a share of it). An ``order.price``
        webhook then tells the new price; returns it."""
        if status not in ("return_in_transit", "returned"):
            raise ValueError(f"{status!r} is not a return status")
        with self.lock:
            order = self.orders[order_id]
            self.return_postage[order_id] = postage
            order["destination"]["cash_on_delivery"]["fee"] = 0
            order["price"] = self._order_price(order) + postage
            self._push_history(order, status)
            return order["price"]

    @staticmethod
    def _order_coordinates(body):
        """(origin, destination) of an order body's origin_coordinate /
        destination_coordinate objects, None where missing."""
        pairs = []
        for side in ("origin", "destination"):
            point = body.get(f"{side}_coordinate")
            lat = point.get("latitude") if isinstance(point, dict) else None
            lng = point.get("longitude") if isinstance(point, dict) else None
            numbers = all(
                isinstance(v, (int, float)) and not isinstance(v, bool)
                for v in (lat, lng)
            )
            pairs.append((float(lat), float(lng)) if numbers else None)
        return tuple(pairs)

    def set_driver(self, order_id, name, phone, plate=None):
        """An instant courier allocated a driver (shown in order, tracking and
        order.status webhooks)."""
        with self.lock:
            courier = self.orders[order_id]["courier"]
            courier.update(
                driver_name=name, driver_phone=phone, driver_plate_number=plate
            )

    @staticmethod
    def _order_view(order, message):
        # the history under courier, as orders/retrieve shows it
        view = {k: v for k, v in order.items() if k != "history"}
        view["courier"] = dict(order["courier"], history=list(order["history"]))
        return {"success": True, "message": message, "object": "order", **view}

    def _order(self, order_id):
        order = self.orders.get(order_id)
        if not order:
            # HTTP 400 (go-biteship integration_test.go), orders/error
            raise ApiError(400, "Order not found", 40002057)
        return order

    def get_order(self, order_id):
        with self.lock:
            return 200, self._order_view(self._order(order_id), "Order retrieved")

    def cancel_order(self, order_id, body):
        with self.lock:
            order = self._order(order_id)
            code = body.get("cancellation_reason_code")
            if code not in CANCEL_REASON_CODES:
                raise ApiError(
                    400,
                    "cancellation_reason_code must be one of "
                    + ", ".join(sorted(CANCEL_REASON_CODES)),
                    40002999,
                )
            reason = body.get("cancellation_reason")
            if code == "others" and not reason:
                raise ApiError(
                    400, "cancellation_reason is required with others", 40002999
                )
            if order["status"] not in CANCELLABLE:
                raise ApiError(
                    400,
                    f"Order with status {order['status']} can not be cancelled",
                    40002053,
                )
            note = reason if code == "others" else code
            order.update(cancellation_reason_code=code, cancellation_reason=note)
            self._push_history(order, "cancelled", note)
            view = self._order_view(order, "Order successfully cancelled")
            view["cancellation_reason_code"] = code
            view["cancellation_reason"] = note
            return 200, view

    @staticmethod
    def _tracking_view(order, public=False):
        """A tracking answer; `public` (by waybill and courier) as the real
        one: no link nor order_id, the courier's company only, history
        entries without service_type."""
        courier = order["courier"]
        view = {
            "success": True,
            "messsage": "Successfully get tracking info",  # sic, as Biteship sends it
            "object": "tracking",
            "id": courier["tracking_id"],
            "waybill_id": courier["waybill_id"],
            "courier": {
                "company": courier["company"],
                "driver_name": courier.get("driver_name"),
                "driver_phone": courier.get("driver_phone"),
                "driver_photo_url": None,
                "driver_plate_number": courier.get("driver_plate_number"),
            },
            "origin": {
                "contact_name": order["origin"]["contact_name"],
                "address": order["origin"]["address"],
            },
            "destination": {
                "contact_name": order["destination"]["contact_name"],
                "address": order["destination"]["address"],
            },
            "history": [dict(entry) for entry in order["history"]],
            "link": courier["link"],
            "order_id": order["id"],
            "status": order["status"],
        }
        if public:
            del view["link"], view["order_id"]
            view["courier"] = {"company": courier["company"]}
            for entry in view["history"]:
                entry.pop("service_type", None)
        return view

    def tracking(self, tracking_id):
        with self.lock:
            for order in self.orders.values():
                if order["courier"]["tracking_id"] == tracking_id:
                    return 200, self._tracking_view(order)
        raise ApiError(404, "Tracking not found", 40003001)

    def public_tracking(self, waybill_id, courier_code):
        with self.lock:
            for order in self.orders.values():
                courier = order["courier"]
                if (
                    courier["waybill_id"] == waybill_id
                    and courier["company"] == courier_code
                ):
                    return 200, self._tracking_view(order, public=True)
        raise ApiError(404, "Tracking not found", 40003001)

    ROUTES = (
        ("POST", re.compile(r"^/v1/rates/couriers$"), "rates"),
        ("POST", re.compile(r"^/v1/orders$"), "create_order"),
        ("GET", re.compile(r"^/v1/orders/([^/]+)$"), "get_order"),
        ("POST", re.compile(r"^/v1/orders/([^/]+)/cancel$"), "cancel_order"),
        (
            "GET",
            re.compile(r"^/v1/trackings/([^/]+)/couriers/([^/]+)$"),
            "public_tracking",
        ),
        ("GET", re.compile(r"^/v1/trackings/([^/]+)$"), "tracking"),
    )

    def dispatch(self, method, path, headers, body):
        canned = self._take_canned(method, path, body)
        if canned:
            return canned
        for verb, pattern, name in self.ROUTES:
            match = pattern.match(path)
            if verb == method and match:
                self._check_auth(headers)
                with self.lock:
                    served = self.served.get((method, path))
                if served:
                    return served
                args = list(match.groups())
                if method == "POST":
                    if not isinstance(body, dict):
                        raise ApiError(
                            400, "Request body must be a JSON object", 40000000
                        )
                    args.append(body)
                return getattr(self, name)(*args)
        raise ApiError(404, "Not found", 40400000)

    # -- control (tests running this as a separate process) ---------------------

    def _configure(self, body):
        if "waybill_on_create" in body:
            self.waybill_on_create = bool(body["waybill_on_create"])
        if "latency" in body:
            self.latency = float(body["latency"])
        if "rate_limit" in body:
            self.rate_limit = body["rate_limit"] and int(body["rate_limit"])
        if "rate_limit_retry_after" in body:
            self.rate_limit_retry_after = body["rate_limit_retry_after"]

    def control(self, method, path, body):
        body = body if isinstance(body, dict) else {}
        if path == "/_control/stats":
            with self.lock:
                return 200, {
                    "orders_created": self.orders_created,
                    "requests": self.requests,
                    "rates_requests": len(self.rates_requests),
                    "rates_couriers": [r.get("couriers") for r in self.rates_requests],
                    "orders": {k: o["status"] for k, o in self.orders.items()},
                    "throttled": self.throttled,
                    "max_requests_per_second": max_in_window(self.request_times),
                }
        if method != "POST":
            raise ApiError(405, "POST expected", 40500000)
        if path == "/_control/reset":
            self.reset()
            return 200, {"success": True}
        if path == "/_control/config":
            self._configure(body)
            return 200, {"success": True}
        if path == "/_control/fault":
            try:
                self.inject(
                    body.get("kind"),
                    int(body.get("count", 1)),
                    float(body.get("delay", 3.0)),
                )
            except ValueError as e:
                raise ApiError(400, str(e), 40000002) from e
            return 200, {"success": True}
        match = re.match(r"^/_control/orders/([^/]+)/reweigh$", path)
        if match and match.group(1) in self.orders:
            return 200, {"price": self.reweigh(match.group(1), float(body["weight"]))}
        match = re.match(r"^/_control/orders/([^/]+)/driver$", path)
        if match and match.group(1) in self.orders:
            self.set_driver(match.group(1), body.get("name"), body.get("phone"))
            return 200, {"success": True}
        match = re.match(r"^/_control/orders/([^/]+)/(status|waybill)$", path)
        if match:
            order_id, what = match.groups()
            if order_id not in self.orders:
                raise ApiError(404, "Order not found", 40002057)
            if what == "status":
                try:
                    entry = self.set_status(
                        order_id, body.get("status"), body.get("note")
                    )
                except ValueError as e:
                    raise ApiError(400, str(e), 40000002) from e
                return 200, entry
            return 200, {
                "waybill_id": self.set_waybill(order_id, body.get("waybill_id"))
            }
        if path == "/_control/webhook":
            payload = body.get("payload") or self.webhook_payload(
                body.get("event"), body.get("order_id")
            )
            status, text = self.send_webhook(
                body["url"], payload, body.get("secret"), body.get("header_name")
            )
            return 200, {"status": status, "body": text}
        raise ApiError(404, "Not found", 40400000)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BiteshipStandIn/1.0"

    def log_message(self, format, *args):
        pass

    def _answer(self, status, payload, headers=None):
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _reset_connection(self):
        # SO_LINGER 0 makes close() send a TCP RST instead of a clean FIN.
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.connection.close()
        self.close_connection = True

    def _handle(self, method):
        standin = self.server.standin
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = ValueError
        try:
            if path.startswith("/_control/"):
                return self._answer(*standin.control(method, path, body))
            with standin.lock:
                standin.requests += 1
            standin.check_rate_limit()
            fault = standin._take_fault(method, path)
            if fault:
                kind, delay = fault
                if kind == "timeout":
                    standin.stopping.wait(delay)
                    return self._reset_connection()
                if kind == "reset":
                    return self._reset_connection()
                if kind == "500":
                    return self._answer(
                        500,
                        {
                            "success": False,
                            "error": "Internal server error",
                            "code": 50000001,
                        },
                    )
                if kind == "401":
                    raise ApiError(*NO_KEY)
                if kind == "malformed":
                    return self._answer(
                        200, b'{"success": true, "object": "order", "id": '
                    )
                if kind == "429":
                    raise ApiError(
                        429,
                        "Too many requests",
                        42900001,
                        headers={"Retry-After": str(int(delay))},
                    )
                if kind == "lost":
                    # carried out, then the answer never arrives
                    if body is not ValueError:
                        headers = {k.lower(): v for k, v in self.headers.items()}
                        standin.dispatch(method, path, headers, body)
                    return self._reset_connection()
            if standin.latency:
                time.sleep(standin.latency)
            if body is ValueError:
                raise ApiError(400, "Malformed JSON body", 40000000)
            headers = {k.lower(): v for k, v in self.headers.items()}
            self._answer(*standin.dispatch(method, path, headers, body))
        except ApiError as e:
            answer = {"success": False, "error": e.error, "code": e.code}
            if e.details is not None:
                answer["details"] = e.details
            self._answer(e.status, answer, e.headers)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="biteship_test.standin")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every API answer"
    )
    parser.add_argument(
        "--waybill-later",
        action="store_true",
        help="create orders without waybill (sent later by webhook)",
    )
    args = parser.parse_args()
    standin = BiteshipStandIn(args.api_key, args.host, args.port).start()
    standin.latency = args.latency
    standin.waybill_on_create = not args.waybill_later
    sys.stdout.write(f"Biteship stand-in listening on {standin.url}\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
