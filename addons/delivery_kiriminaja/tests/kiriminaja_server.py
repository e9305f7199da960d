"""A local stand-in of KiriminAja's API (loopback only) that keeps the rules
KiriminAja documents, each beside the page it comes from, so that a client
breaking one fails here as it would there.

- Authentication (https://developer.kiriminaja.com/docs, "Authentication"):
  every call carries ``Authorization: Bearer <API key>``; otherwise HTTP 401
  with ``status: false``.
- Answers: ``{"status": bool, "text": str, "method": str, ...}``; a refused
  request is ``status: false`` with its reason in ``text``.
- Search District by Name (/docs/coverage-area/district-by-name): POST
  ``{"search": str(min 3)}`` -> ``data: [{"id": int, "text": "district, city,
  province"}]``, method ``get_address_by_name``.
- Search Subdistrict by Name (/docs/coverage-area/subdistrict-by-name): POST
  ``{"search": str(min 3)}``, matched against province, city, district,
  subdistrict name or postal code -> ``data: [{"province_id", "city_id",
  "district_id", "subdistrict_id", "full_address": "subdistrict, district,
  city, province, postal code"}]``.
- Get Pricing Express (/docs/pricing/express, POST
  /api/mitra/v6.1/shipping_price): ``origin``, ``destination`` (district ids,
  int) and ``weight`` (int, grams) required; ``insurance`` 1/0;
  ``item_value`` required when ``insurance`` is 1; ``courier`` an array of
  courier codes. Answer ``details`` + ``results`` (one per service:
  ``service`` courier code, ``service_name``, ``service_type``, ``cost``,
  ``etd``, ``cod``, ``setting`` with ``cod_fee`` (a fraction) /
  ``minimum_cod_fee`` / ``cod_fee_amount``,
  ``insurance``).

- Pickup Schedule (/docs/express/schedule, POST /api/mitra/v2/schedules):
  ``schedules: [{"clock": "YYYY-MM-DD HH:mm:ss", "until": "HH:mm",
  "expired": epoch, "libur": bool}]``.
- Create Order Express (/docs/order/express, POST
  /api/mitra/v6.1/request_pickup): sender ``address`` (10-200 chars),
  ``phone`` (9-13 digits, 08... or 62...), ``name`` (1-50), ``kecamatan_id``
  (int), ``zipcode`` (max 5, nullable), ``schedule`` ("YYYY-MM-DD
  HH:mm:ss", /docs/order/express v6.2), ``packages`` (min 1), each with
  ``order_id`` (max 20, "must have a string prefix"), ``destination_name``
  (max 50), ``destination_phone`` (as ``phone``), ``destination_address``
  (10-200), ``destination_kecamatan_id`` (int), ``weight`` (grams), ``width``
  / ``length`` / ``height`` (cm, int >= 1), ``item_value``,
  ``shipping_cost``, ``service``, ``service_type``, ``cod`` (int: "fill 0
  for a non-COD package"; a service without COD takes none; a COD package's
  ``cod`` is its item_value + shipping_cost + insurance_amount plus the COD
  fee, /docs/order/insurance-cod-nb, whose ``add_cost`` is that fee). The
  answer's own fields are not in the doc: the stand-in answers ``details``
  per package and ``pickup_number``, and the client relies on none of them
  (a package is known by our order_id). A reused order_id is refused here:
  the doc gives no answer for it, so the client must never send one twice
  (it looks the id up first).
- The AWB comes later ("AWB Confirmed (Webhooks)", /docs/order/express;
  processed_packages, /docs/webhook/event): ``process()`` gives it.
- Tracking Order Express (/docs/order/tracking, POST /api/mitra/tracking):
  ``{"order_id": str(max 20)}`` (our order id or the AWB) -> ``details``
  (``awb``, ``order_id``, ``service``, ``service_name``, ``costs``...) and
  ``histories``; an unknown id is ``status: false``, ``text: "data not
  found"`` (the failure answer of /docs/order/tracking-instant). The answer's
  ``histories`` come newest first, each ``created_at`` ("YYYY-MM-DD
  HH:mm:ss"), ``status`` (text), ``status_code`` (/docs/important-notes/
  status-mapping); ``details`` has ``shipped_at``, ``delivered`` /
  ``delivered_at``, ``images`` (proof of delivery) and ``costs`` with
  ``correction``.
- Cancel Order Express (/docs/order/void, POST /api/mitra/v3/cancel_shipment):
  ``awb`` (string, max 30: "AWB Number Already Obtained, Not Order ID") and
  ``reason`` (5-200 characters) required; "can only be made for packages
  that have not yet been picked up by the courier"; non-COD packages are
  voided within 48 hours (``data.success: "pending"``), COD ones at once.
  The refusals' wording is not documented: ``status: false`` with a text, as
  every refusal (an unknown AWB: "data not found", as tracking).
- Callbacks (/docs/webhook/event): KiriminAja POSTs ``{"method", "data":
  [...]}`` with ``Authorization: Bearer {api_key}`` and ``User-Agent:
  KiriminAja-Push-Services`` to the account's callback URL: ``callback()``
  sends one (the bearer token is checked on Odoo's side).

Instant couriers (GoSend, GrabExpress, Borzo) have their own endpoints,
priced by coordinates; their answers carry ``code`` and ``result``:

- Availability (/docs/instant/service-list): couriers ``gosend``,
  ``grab_express``, ``borzo``; only Borzo takes several destinations in one
  request; "instant deliveries do not support COD" (no cod field anywhere).
- Pricing (/docs/instant/pricing, POST /api/mitra/v4/instant/pricing):
  ``service`` (nullable array of those codes), ``item_price`` (int),
  ``origin`` / ``destination`` (``lat``, ``long``: float; ``address``:
  string; none nullable), ``weight`` (int, grams), ``vehicle`` (``motor``
  by default or ``mobil``), ``timezone`` (``WIB`` by default, ``WIT``,
  ``WITA``) -> ``result: [{"name", "costs": [{"service_type",
  "estimation", "price": {"admin_fee", "shipping_costs", "total_price"}}],
  "insurances"}]``.
- Pickup Request (/docs/instant/pickup, POST
  /api/mitra/v4/instant/pickup/request): ``service`` (courier code),
  ``service_type`` (one the pricing gave: ``result.costs.[].service_type``),
  ``vehicle`` (motor, mobil), ``order_prefix`` and ``packages``, all
  required; each package: ``order_id``, ``origin_*`` / ``destination_*``
  (``name``, ``phone`` "use a country phone scope", ``lat`` / ``long``
  float, ``address``, ``address_note``), ``shipping_price`` (int, "we use
  for validation": the priced shipping cost) and ``item`` (``name``,
  ``description``, ``price`` int, ``weight_kg`` int), all required. Answer
  ``result``: ``payment`` (``payment_id``, ``amount``, ``status_code``...)
  and ``packages`` (``awb`` "" at first, ``order_id``, ``status`` 100...).
  The page's refusal: "cannot process the request, distance more than
  40km" (code 2). The sample's package ids begin with the order_prefix
  ("NBL2-..."): ours must too. A reused order_id is refused ("1 Paket sudah
  ada sebelumnya", ``result`` the ids: /docs/pickup-request/request-instant).
- Tracking Instant (/docs/instant/tracking, GET
  /api/mitra/v4/instant/tracking/{order_id}) -> ``result`` with
  ``order_id``, ``tracking_code`` (the AWB), ``driver``, ``date``
  (``created_at``, ``allocated_at``, ``finished_at``, ``canceled_at``:
  "2024-01-19T04:01:37.000000Z" or null), ``cost``, ``live_tracking_url``,
  ``cancel_description``; an unknown id: ``status: false``, ``text: "data
  not found"``, ``code: 2``.
- Void (/docs/instant/void, DELETE /api/mitra/v4/instant/pickup/void/
  {order_id}) -> ``result`` (``payment``, ``packages``). The page names no
  refusal: a package delivered or already cancelled cannot be voided
  (``status: false`` with a text, as every refusal).
- Find New Driver (/docs/instant/find-new-driver, POST ``{"order_id"}``) ->
  ``result: {"awb", "order_id"}``; an unknown id: "order id yang dipilih
  tidak valid." (code 2).
- Callbacks: instant packages send ``update_instant_packages``
  (/docs/webhook/event, "Instant Package"); the poll reads the same news.

The areas and prices are invented test data (the doc's own example ids for
"Ngemplak", which names two districts).
"""

import json
import math
import re
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

# id, district, city, province
DISTRICTS = [
    (2001, "Gambir", "Kota Jakarta Pusat", "DKI Jakarta"),
    (2302, "Bandung Wetan", "Kota Bandung", "Jawa Barat"),
    (1251, "Ngemplak", "Kabupaten Boyolali", "Jawa Tengah"),
    (5789, "Ngemplak", "Kabupaten Sleman", "DI Yogyakarta"),
    (5790, "Kalasan", "Kabupaten Sleman", "DI Yogyakarta"),
]
# subdistrict id, name, district id, postal code
SUBDISTRICTS = [
    (20011, "Gambir", 2001, "10110"),
    (23021, "Tamansari", 2302, "40111"),
    (12511, "Sawahan", 1251, "57375"),
    (57891, "Wedomartani", 5789, "55584"),
    (57901, "Tamanmartani", 5790, "55584"),
]
# courier code, service_type, name, cost per kg (rupiah), etd, takes COD
SERVICES = [
    ("jne", "REG23", "JNE Reguler", 14000, "1-2", True),
    ("jne", "YES23", "JNE YES", 26000, "1", False),
    ("sicepat", "SIUNT", "SiCepat REG", 12000, "1-2", True),
]

# instant: courier, service_type, estimation, rupiah per started km by
# motor (a car costs twice), admin fee; multi-destination
# (/docs/instant/service-list)
INSTANT_SERVICES = [
    ("gosend", "instant", "1-2 hours", 2500, 1000),
    ("gosend", "sameday", "6-8 hours", 1500, 1000),
    ("grab_express", "instant", "1-2 hours", 2600, 1000),
    ("borzo", "instant", None, 2200, 1500),
]
MULTI_DESTINATION = {"gosend": False, "grab_express": False, "borzo": True}
INSTANT_MAX_KM = 40  # /docs/instant/pickup, its error example
INSTANT_TIME = "2026-02-16T02:00:00.000000Z"

PHONE_RE = re.compile(r"(08|62)[0-9]{7,11}")
ORDER_ID_RE = re.compile(r"[A-Za-z]+[A-Za-z0-9-]*")
SCHEDULE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
SCHEDULES = [
    {
        "clock": "2030-02-15 14:00:00",
        "until": "16:00",
        "expired": 1897000000,
        "libur": True,
    },
    {
        "clock": "2030-02-16 08:00:00",
        "until": "11:00",
        "expired": 1897000000,
        "libur": False,
    },
]

NOT_AUTHENTICATED = (401, {"status": False, "text": "Unauthenticated."})


class ApiError(Exception):
    """A refusal; ``extra``: the instant answers' ``code`` and ``result``."""

    def __init__(self, status, text, **extra):
        super().__init__(text)
        self.status, self.text, self.extra = status, text, extra


def _distance_km(origin, destination):
    """Great-circle distance between two (lat, long)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*origin, *destination))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(a))


def instant_price(courier, service_type, vehicle, origin, destination):
    """(shipping_costs, admin_fee) of an instant service, None when the
    courier has no such service."""
    for code, kind, _eta, per_km, admin_fee in INSTANT_SERVICES:
        if (code, kind) == (courier, service_type):
            kilometres = max(1, math.ceil(_distance_km(origin, destination)))
            factor = 2 if vehicle == "mobil" else 1
            return per_km * kilometres * factor, admin_fee
    return None


class KiriminAjaStandIn:
    def __init__(self, api_key):
        self.api_key = api_key
        self.requests = []  # (path, body) of each authenticated call
        self.hits = 0  # every request received, answered or not
        self.delay = 0.0
        self.broken = None  # (status, raw body) answered to every call
        self.lose_answer_of = None  # a path whose next call is done, unanswered
        self.orders = {}  # order_id -> package as booked, with its "awb"
        self.instant_orders = {}  # order_id -> instant package as booked
        # instant pickup's payment.status_code (the doc's: billing ready)
        self.instant_payment_status = "Billing siap dibayar"
        # request_pickup's payment_status (not documented; None: not sent)
        self.payment_status = None
        self._httpd = None

    def start(self):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.standin = self
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self):
        self.requests.clear()
        self.hits = 0
        self.delay = 0.0
        self.broken = None
        self.lose_answer_of = None
        self.payment_status = None
        self.orders.clear()
        self.instant_orders.clear()
        self.instant_payment_status = "Billing siap dibayar"

    def instant_allocate(self, order_id, when="2026-02-16T02:05:00.000000Z"):
        """A driver took the instant package (``date.allocated_at``)."""
        order = self.instant_orders[order_id]
        order["date"]["allocated_at"] = when
        order["driver"] = {"name": "Agus", "phone": "081200001111", "photo": None}
        order["live_tracking_url"] = f"https://gojek.example/live/{order_id}"

    def instant_callback_data(self, order_id, status):
        """update_instant_packages's ``data`` for the package, in the shape
        of /docs/webhook/event ("Instant Package")."""
        order = self.instant_orders[order_id]
        return {
            "order_id": order_id,
            "status": status,
            "awb": order["tracking_code"],
            "driver": order["driver"],
            "shipping_price": order["cost"]["shipping_cost"],
            "live_track_url": order["live_tracking_url"],
            "detail": {"weight": 1000, "width": None, "height": None, "length": None},
            "insurance": None,
            "insurance_amount": None,
            "service": order["service"],
            "service_name": order["service_type"],
            "poly_line": "string of polyline",
            "event_date": "2026-02-16T02:05:00.000000Z",
            "cancel_date": order["date"]["canceled_at"],
            "cancel_reason": None,
            "rejected_date": None,
            "rejection_note": None,
        }

    def instant_finish(self, order_id, when="2026-02-16T03:10:00.000000Z"):
        """The driver delivered it (``date.finished_at``)."""
        self.instant_orders[order_id]["date"]["finished_at"] = when

    def process(self, order_id):
        """KiriminAja validated the package: its AWB (processed_packages)."""
        number = list(self.orders).index(order_id) + 1  # one AWB per package
        self.orders[order_id]["awb"] = f"JNE{number:010d}"
        return self.orders[order_id]["awb"]

    def add_history(self, order_id, code, text, created_at, **details):
        """The courier reported a status; ``details``: what the tracking
        answer's details now say (shipped_at, delivered_at, images,
        correction...)."""
        order = self.orders[order_id]
        order["histories"].insert(
            0, {"created_at": created_at, "status": text, "status_code": code}
        )
        order.update(details)

    def callback(self, url, method, data, token):
        """Post a callback as KiriminAja does: (HTTP status, body)."""
        request = urllib.request.Request(
            url,
            data=json.dumps({"method": method, "data": data}).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "KiriminAja-Push-Services",
                "Authorization": f"Bearer {token}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    @property
    def url(self):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def calls(self, path):
        return [body for called, body in self.requests if called == path]

    # -- API -------------------------------------------------------------

    def handle(self, path, headers, raw, method="POST"):
        self.hits += 1
        if self.delay:
            time.sleep(self.delay)
        if self.broken:
            return self.broken
        scheme, _sep, key = (headers.get("Authorization") or "").partition(" ")
        if scheme != "Bearer" or key != self.api_key:
            return NOT_AUTHENTICATED
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return 400, {"status": False, "text": "Invalid JSON."}
        route = ROUTES.get(path) if method == "POST" else None
        for (verb, prefix), path_route in PATH_ROUTES.items():
            if verb == method and path.startswith(prefix) and len(path) > len(prefix):
                # the order id is the path's end; recorded as a body
                path, body = prefix, {"order_id": unquote(path[len(prefix) :])}
                route = path_route
        if not route:
            return 404, {"status": False, "text": "Not found."}
        self.requests.append((path, body))
        try:
            name, answer = route(self, body)
        except ApiError as error:
            return error.status, {"status": False, "text": error.text, **error.extra}
        if path == self.lose_answer_of:
            self.lose_answer_of = None
            return None  # done, but the answer never reaches the client
        return 200, {"status": True, "text": "Success", "method": name, **answer}

    @staticmethod
    def _search(body):
        search = body.get("search")
        if not isinstance(search, str) or len(search.strip()) < 3:
            raise ApiError(422, "The search must be at least 3 characters.")
        return search.strip().lower()

    def district_by_name(self, body):
        search = self._search(body)
        data = [
            {"id": key, "text": f"{name}, {city}, {province}"}
            for key, name, city, province in DISTRICTS
            if search in name.lower()
        ]
        return "get_address_by_name", {"data": data}

    def subdistrict_by_name(self, body):
        search = self._search(body)
        districts = {row[0]: row for row in DISTRICTS}
        data = []
        for key, name, district_id, postal_code in SUBDISTRICTS:
            _id, district, city, province = districts[district_id]
            words = (name, district, city, province, postal_code)
            if any(search in word.lower() for word in words):
                data.append(
                    {
                        "province_id": 1,
                        "city_id": 1,
                        "district_id": district_id,
                        "subdistrict_id": key,
                        "full_address": ", ".join(words),
                    }
                )
        return "get_subdistrict_by_name", {"data": data}

    def shipping_price(self, body):
        districts = {row[0] for row in DISTRICTS}
        for field in ("origin", "destination", "weight"):
            if not isinstance(body.get(field), int) or isinstance(body[field], bool):
                raise ApiError(422, f"The {field} field is required (integer).")
        for field in ("origin", "destination"):
            if body[field] not in districts:
                raise ApiError(422, f"The selected {field} is invalid.")
        if body["weight"] <= 0:
            raise ApiError(422, "The weight must be at least 1.")
        insurance = body.get("insurance", 0)
        if insurance not in (0, 1):
            raise ApiError(422, "The insurance must be 1 or 0.")
        item_value = body.get("item_value")
        if insurance == 1 and not isinstance(item_value, int):
            raise ApiError(422, "The item value field is required when insurance is 1.")
        couriers = body.get("courier")
        if couriers is not None and not isinstance(couriers, list):
            raise ApiError(422, "The courier must be an array.")
        kilos = -(-body["weight"] // 1000)
        results = []
        for courier, service_type, name, cost, etd, cod in SERVICES:
            if couriers is not None and courier not in couriers:
                continue
            price = cost * kilos
            premium = round((item_value or 0) * 0.002) + 5000 if insurance else 0
            # /docs/pricing/express: fees "already divided by 100";
            # cod_fee_amount on goods + shipping + insurance
            cod_fee_amount = max(
                -(-((item_value or 0) + price + premium) * 3 // 100), 2500
            )
            results.append(
                {
                    "service": courier,
                    "service_name": name,
                    "service_type": service_type,
                    "cost": str(price),
                    "etd": etd,
                    "cod": cod,
                    "group": "regular",
                    "drop": True,
                    "setting": {
                        "cod_fee": "0.03",
                        "minimum_cod_fee": "2500",
                        "cod_fee_amount": cod_fee_amount,
                    },
                    "insurance": premium,
                }
            )
        details = {
            "origin_district_id": body["origin"],
            "destination_district_id": body["destination"],
            "weight": body["weight"],
        }
        return "shipping_price", {"details": details, "results": results}

    def schedules(self, _body):
        return "schedules", {"schedules": SCHEDULES}

    @staticmethod
    def _text(body, field, low, high, where=""):
        value = body.get(field)
        if not isinstance(value, str) or not low <= len(value) <= high:
            raise ApiError(
                422, f"The {where}{field} must be a text of {low} to {high} characters."
            )
        return value

    def _phone(self, body, field, where=""):
        if not PHONE_RE.fullmatch(self._text(body, field, 9, 13, where)):
            raise ApiError(422, f"The {where}{field} must start with 08 or 62.")

    def _int(self, body, field, where="", low=None):
        value = body.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ApiError(422, f"The {where}{field} field is required (integer).")
        if low is not None and value < low:
            raise ApiError(422, f"The {where}{field} must be at least {low}.")
        return value

    @staticmethod
    def _check_cod(package, service, where):
        if package["cod"] and not service[5]:
            raise ApiError(422, f"The {where}service does not take COD.")
        # /docs/order/insurance-cod-nb: a COD package collects its
        # total (item_value + shipping_cost + insurance_amount) plus the
        # COD fee: less than that total cannot be the amount to collect
        total = (
            package["item_value"]
            + package["shipping_cost"]
            + (package.get("insurance_amount") or 0)
        )
        if package["cod"] and package["cod"] < total:
            raise ApiError(
                422,
                f"The {where}cod must be at least item_value + "
                "shipping_cost + insurance_amount.",
            )
        # /docs/order/insurance-cod-nb: add_cost, the COD fee, is "total
        # * cod_fee and rounded up to 1" (the account's fee: 3 %, at
        # least 2,500, as this stand-in's rates quote it); a non-COD
        # package has none
        add_cost = package.get("add_cost")
        if package["cod"]:
            fee = max(math.ceil(total * 3 / 100), 2500)
            if add_cost != fee:
                raise ApiError(
                    422,
                    f"The {where}add_cost must be the COD fee on item_value "
                    f"+ shipping_cost + insurance_amount ({fee}).",
                )
        elif add_cost:
            raise ApiError(422, f"The {where}add_cost is for COD packages only.")

    def request_pickup(self, body):
        districts = {row[0] for row in DISTRICTS}
        self._text(body, "address", 10, 200)
        self._phone(body, "phone")
        self._text(body, "name", 1, 50)
        if self._int(body, "kecamatan_id") not in districts:
            raise ApiError(422, "The selected kecamatan_id is invalid.")
        zipcode = body.get("zipcode")
        if zipcode is not None and (not isinstance(zipcode, str) or len(zipcode) > 5):
            raise ApiError(422, "The zipcode may not be greater than 5 characters.")
        schedule = body.get("schedule")
        if not isinstance(schedule, str) or not SCHEDULE_RE.fullmatch(schedule):
            raise ApiError(422, "The schedule must be YYYY-MM-DD HH:mm:ss.")
        packages = body.get("packages")
        if not isinstance(packages, list) or not packages:
            raise ApiError(422, "The packages must have at least 1 item.")
        services = {(row[0], row[1]): row for row in SERVICES}
        for index, package in enumerate(packages):
            where = f"packages.{index}."
            order_id = self._text(package, "order_id", 1, 20, where)
            if not ORDER_ID_RE.fullmatch(order_id):
                raise ApiError(422, f"The {where}order_id must have a string prefix.")
            if order_id in self.orders:
                raise ApiError(422, f"The {where}order_id has already been taken.")
            self._text(package, "destination_name", 1, 50, where)
            self._phone(package, "destination_phone", where)
            self._text(package, "destination_address", 10, 200, where)
            if self._int(package, "destination_kecamatan_id", where) not in districts:
                raise ApiError(
                    422, f"The selected {where}destination_kecamatan_id is invalid."
                )
            for field in ("weight", "width", "length", "height"):
                self._int(package, field, where, low=1)
            for field in ("item_value", "shipping_cost", "cod"):
                self._int(package, field, where, low=0)
            # /docs/order/express: package_type_id (int, "sementara 1") and
            # item_name (up to 255) are required
            self._int(package, "package_type_id", where, low=1)
            self._text(package, "item_name", 1, 255, where)
            service = services.get(
                (package.get("service"), package.get("service_type"))
            )
            if not service:
                raise ApiError(422, f"The {where}service_type is not available.")
            self._check_cod(package, service, where)
        details = []
        for package in packages:
            self.orders[package["order_id"]] = {
                **package,
                "awb": None,
                "histories": [],
                "canceled": False,
            }
            details.append(
                {
                    "order_id": package["order_id"],
                    "kj_order_id": f"KJ{len(self.orders):08d}",
                    "service": package["service"],
                    "service_type": package["service_type"],
                    "awb": None,
                }
            )
        answer = {"details": details, "pickup_number": f"XID-{len(self.orders):08d}"}
        if self.payment_status:
            answer["payment_status"] = self.payment_status
        return "request_pickup", answer

    def tracking(self, body):
        key = self._text(body, "order_id", 1, 20)
        order = self.orders.get(key) or next(
            (o for o in self.orders.values() if o["awb"] == key), None
        )
        if not order:
            raise ApiError(200, "data not found")
        details = {
            "awb": order["awb"],
            "order_id": order["order_id"],
            "status_code": None,
            "service": order["service"],
            "service_name": order["service_type"],
            "drop": False,
            "shipped_at": order.get("shipped_at") or "",
            "delivered": bool(order.get("delivered_at")),
            "delivered_at": order.get("delivered_at") or "",
            "images": order.get("images")
            or {"camera_img": None, "signature_img": None, "pop_img": None},
            "costs": {
                "currency": "IDR",
                "shipping_cost": order["shipping_cost"],
                "cod": order["cod"],
                "correction": order.get("correction", 0),
            },
        }
        histories = order.get("histories", [])
        return "shTracking", {"details": details, "histories": histories}

    def cancel_shipment(self, body):
        awb = self._text(body, "awb", 1, 30)
        self._text(body, "reason", 5, 200)
        order = next((o for o in self.orders.values() if o["awb"] == awb), None)
        if not order:
            # by AWB only: an order id is "not found" too
            raise ApiError(200, "data not found")
        picked_up = order.get("shipped_at") or any(
            int(h["status_code"]) >= 103 for h in order.get("histories", [])
        )
        if order["canceled"]:
            raise ApiError(200, "Paket sudah dibatalkan")
        if picked_up:
            raise ApiError(200, "Paket sudah dijemput kurir, tidak dapat dibatalkan")
        order["canceled"] = True
        if order["cod"]:
            return "cancel_shipment", {
                "text": "Paket dibatalkan",
                "data": {"success": "success", "date": "2030-02-16 09:00:00"},
            }
        return "cancel_shipment", {
            "data": {"success": "pending", "date": "2030-02-18 09:00:00"},
        }

    # -- instant (/docs/instant/*) --------------------------------------

    @staticmethod
    def _instant_refusal(text, result=None):
        # /docs/instant/pickup, /docs/instant/tracking: refusals answer
        # code 2 and a null result (or, for a reused id, the ids)
        return ApiError(200, text, code=2, result=result)

    def _coordinate(self, body, field, where=""):
        """/docs/instant/pricing, /docs/instant/pickup: lat / long are float
        (a JSON number, not text), not nullable; a latitude lies within
        +-90, a longitude within +-180."""
        value = body.get(field)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self._instant_refusal(f"The {where}{field} must be a number.")
        bound = 90 if field.endswith("lat") else 180
        if not -bound <= value <= bound:
            raise self._instant_refusal(f"The {where}{field} is out of range.")
        return float(value)

    def _instant_text(self, body, field, where="", high=255):
        value = body.get(field)
        if not isinstance(value, str) or not value.strip() or len(value) > high:
            raise self._instant_refusal(f"The {where}{field} field is required.")
        return value

    def _instant_int(self, body, field, where="", low=0):
        value = body.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise self._instant_refusal(
                f"The {where}{field} must be an integer of at least {low}."
            )
        return value

    def _instant_choice(self, body, field, choices, default=None):
        """A documented set of values; ``default``: the value when absent
        (the field is not nullable: null is refused)."""
        value = body.get(field, default)
        if value not in choices:
            raise self._instant_refusal(
                f"The {field} must be one of {', '.join(choices)}."
            )
        return value

    def instant_pricing(self, body):
        # /docs/instant/pricing: service is a nullable array of the codes
        services = body.get("service")
        if services is not None and (
            not isinstance(services, list)
            or not set(services) <= set(MULTI_DESTINATION)
        ):
            raise self._instant_refusal(
                "The service must be an array of gosend, grab_express, borzo."
            )
        self._instant_int(body, "item_price")
        places = []
        for side in ("origin", "destination"):
            place = body.get(side)
            if not isinstance(place, dict):
                raise self._instant_refusal(f"The {side} field is required.")
            self._instant_text(place, "address", f"{side}.")
            places.append(
                (
                    self._coordinate(place, "lat", f"{side}."),
                    self._coordinate(place, "long", f"{side}."),
                )
            )
        self._instant_int(body, "weight", low=1)
        vehicle = self._instant_choice(body, "vehicle", ("motor", "mobil"), "motor")
        self._instant_choice(body, "timezone", ("WIB", "WIT", "WITA"), "WIB")
        result = {}
        for courier, service_type, estimation, _km, _fee in INSTANT_SERVICES:
            if services is not None and courier not in services:
                continue
            cost, admin_fee = instant_price(courier, service_type, vehicle, *places)
            result.setdefault(
                courier,
                {
                    "name": courier,
                    "costs": [],
                    "insurances": [
                        {"value": 500, "type": "silver"},
                        {"value": 1000, "type": "gold"},
                    ],
                },
            )["costs"].append(
                {
                    "service_type": service_type,
                    "estimation": estimation,
                    "price": {
                        "admin_fee": admin_fee,
                        "shipping_costs": cost,
                        "total_price": cost + admin_fee,
                    },
                }
            )
        return "mitra_pricing", {"code": None, "result": list(result.values())}

    def instant_pickup(self, body):
        # /docs/instant/pickup: every field required
        courier = self._instant_choice(body, "service", tuple(MULTI_DESTINATION))
        service_type = self._instant_text(body, "service_type")
        vehicle = self._instant_choice(body, "vehicle", ("motor", "mobil"))
        prefix = self._instant_text(body, "order_prefix")
        packages = body.get("packages")
        if not isinstance(packages, list) or not packages:
            raise self._instant_refusal("The packages must have at least 1 item.")
        if len(packages) > 1 and not MULTI_DESTINATION[courier]:
            # /docs/instant/service-list: "Multi Destination Capability"
            raise self._instant_refusal(f"{courier} takes one destination per request.")
        for index, package in enumerate(packages):
            where = f"packages.{index}."
            if not isinstance(package, dict):
                raise self._instant_refusal(f"The {where[:-1]} must be an object.")
            order_id = self._instant_text(package, "order_id", where, high=50)
            if not order_id.startswith(prefix):
                raise self._instant_refusal(
                    f"The {where}order_id must begin with the order_prefix."
                )
            if order_id in self.instant_orders:
                # /docs/pickup-request/request-instant, its error example
                raise self._instant_refusal(
                    "1 Paket sudah ada sebelumnya", result=[order_id]
                )
            places = []
            for side in ("origin", "destination"):
                for field in ("name", "address", "address_note"):
                    self._instant_text(package, f"{side}_{field}", where)
                phone = self._instant_text(package, f"{side}_phone", where)
                if not PHONE_RE.fullmatch(phone):
                    raise self._instant_refusal(
                        f"The {where}{side}_phone must start with 08 or 62."
                    )
                places.append(
                    (
                        self._coordinate(package, f"{side}_lat", where),
                        self._coordinate(package, f"{side}_long", where),
                    )
                )
            if _distance_km(*places) > INSTANT_MAX_KM:
                raise self._instant_refusal(
                    "cannot process the request, distance more than 40km"
                )
            price = instant_price(courier, service_type, vehicle, *places)
            if price is None:
                # /docs/instant/pickup: service_type is one the pricing gave
                raise self._instant_refusal(
                    f"The service_type {service_type} is not available for {courier}."
                )
            shipping_price = self._instant_int(package, "shipping_price", where)
            if shipping_price != price[0]:
                # "Your shipping cost value, we use for validation"
                raise self._instant_refusal(
                    f"The {where}shipping_price does not match the price ({price[0]})."
                )
            item = package.get("item")
            if not isinstance(item, dict):
                raise self._instant_refusal(f"The {where}item field is required.")
            self._instant_text(item, "name", f"{where}item.")
            self._instant_text(item, "description", f"{where}item.")
            self._instant_int(item, "price", f"{where}item.")
            self._instant_int(item, "weight_kg", f"{where}item.", low=1)
        answered = []
        amount = 0
        for package in packages:
            cost, admin_fee = instant_price(
                courier,
                service_type,
                vehicle,
                (package["origin_lat"], package["origin_long"]),
                (package["destination_lat"], package["destination_long"]),
            )
            amount += cost + admin_fee
            number = len(self.instant_orders) + 1
            order = {
                "order_id": package["order_id"],
                "service": courier,
                "service_type": service_type,
                "vehicle": vehicle,
                "package": package,
                # the sample's tracking answer has the code before a driver
                "tracking_code": f"GK-11-{number:07d}",
                "driver": {"name": None, "phone": None, "photo": None},
                "live_tracking_url": None,
                "cancel_description": None,
                "date": {
                    "created_at": INSTANT_TIME,
                    "finished_at": None,
                    "allocated_at": None,
                    "canceled_at": None,
                },
                "cost": {
                    "shipping_cost": cost,
                    "insurance": None,
                    "admin_fee": admin_fee,
                    "total_price": cost + admin_fee,
                },
            }
            self.instant_orders[package["order_id"]] = order
            answered.append(self._instant_package(order, status=100, awb=""))
        payment = {
            "payment_id": f"PID-{len(self.instant_orders):08d}",
            "amount": amount,
            "status_code": self.instant_payment_status,
            "qr_content": "some-random-qr-string",
            "pay_time": INSTANT_TIME,
        }
        return None, {"code": 0, "result": {"payment": payment, "packages": answered}}

    @staticmethod
    def _instant_package(order, status, awb):
        package = order["package"]
        return {
            "awb": awb,
            "order_id": order["order_id"],
            "service": order["service"],
            "service_type": order["service_type"],
            "status": status,
            "live_track_url": order["live_tracking_url"],
            "origin": {
                "name": package["origin_name"],
                "address": package["origin_address"],
                "phone": package["origin_phone"],
                "lat_long": f"{package['origin_lat']},{package['origin_long']}",
            },
            "destination": {
                "name": package["destination_name"],
                "address": package["destination_address"],
                "phone": package["destination_phone"],
                "lat_long": (
                    f"{package['destination_lat']},{package['destination_long']}"
                ),
            },
            "driver": order["driver"],
        }

    def _instant_order(self, body):
        order = self.instant_orders.get(body.get("order_id"))
        if not order:
            raise self._instant_refusal("data not found")
        return order

    def instant_tracking(self, body):
        order = self._instant_order(body)
        package = order["package"]
        result = {
            "driver": order["driver"],
            "origin": {
                "name": package["origin_name"],
                "address": package["origin_address"],
                "address_note": package["origin_address_note"],
                "phone": package["origin_phone"],
                "lat": package["origin_lat"],
                "long": package["origin_long"],
            },
            "destination": {
                "name": package["destination_name"],
                "address": package["destination_address"],
                "address_note": package["destination_address_note"],
                "phone": package["destination_phone"],
                "lat": package["destination_lat"],
                "long": package["destination_long"],
            },
            "date": dict(order["date"]),
            "cost": dict(order["cost"]),
            "item": {
                "price": package["item"]["price"],
                "description": package["item"]["description"],
            },
            "order_id": order["order_id"],
            "service": order["service"],
            "service_type": order["service_type"],
            "tracking_code": order["tracking_code"],
            "cancel_description": order["cancel_description"],
            "live_tracking_url": order["live_tracking_url"],
        }
        return None, {"code": 0, "result": result}

    def instant_void(self, body):
        order = self._instant_order(body)
        if order["date"]["canceled_at"]:
            raise self._instant_refusal("Paket sudah dibatalkan")
        if order["date"]["finished_at"]:
            raise self._instant_refusal("Paket sudah selesai, tidak dapat dibatalkan")
        order["date"]["canceled_at"] = "2026-02-16T02:30:00.000000Z"
        order["cancel_description"] = "Dibatalkan oleh pengirim"
        payment = {
            "payment_id": "PID-00000001",
            "amount": order["cost"]["total_price"],
            "status_code": 0,
            "qr_content": "some-random-qr-string",
            "pay_time": INSTANT_TIME,
        }
        package = self._instant_package(order, 105, order["tracking_code"])
        return None, {"code": 0, "result": {"payment": payment, "packages": [package]}}

    def instant_find_new_driver(self, body):
        order = self.instant_orders.get(body.get("order_id"))
        if not order:
            raise self._instant_refusal("order id yang dipilih tidak valid.")
        order["driver"] = {"name": None, "phone": None, "photo": None}
        order["date"]["allocated_at"] = None
        return None, {
            "code": 0,
            "result": {"awb": order["tracking_code"], "order_id": order["order_id"]},
        }


ROUTES = {
    "/api/mitra/v2/schedules": KiriminAjaStandIn.schedules,
    "/api/mitra/v6.1/request_pickup": KiriminAjaStandIn.request_pickup,
    "/api/mitra/tracking": KiriminAjaStandIn.tracking,
    "/api/mitra/v3/cancel_shipment": KiriminAjaStandIn.cancel_shipment,
    "/api/mitra/v2/get_address_by_name": KiriminAjaStandIn.district_by_name,
    "/api/mitra/v2/get_subdistrict_by_name": KiriminAjaStandIn.subdistrict_by_name,
    "/api/mitra/v6.1/shipping_price": KiriminAjaStandIn.shipping_price,
    "/api/mitra/v4/instant/pricing": KiriminAjaStandIn.instant_pricing,
    "/api/mitra/v4/instant/pickup/request": KiriminAjaStandIn.instant_pickup,
    "/api/mitra/v4/instant/pickup/find-new-driver": (
        KiriminAjaStandIn.instant_find_new_driver
    ),
}
# endpoints that take the order id in their path (method, path prefix)
PATH_ROUTES = {
    ("GET", "/api/mitra/v4/instant/tracking/"): KiriminAjaStandIn.instant_tracking,
    ("DELETE", "/api/mitra/v4/instant/pickup/void/"): KiriminAjaStandIn.instant_void,
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.do_POST("GET")

    def do_DELETE(self):
        self.do_POST("DELETE")

    def do_POST(self, method="POST"):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        result = self.server.standin.handle(self.path, self.headers, raw, method)
        if result is None:
            self.close_connection = True  # the lost answer: no bytes at all
            return
        status, answer = result
        data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError as error:  # the client gave up (timeout tests)
            self.log_error("answer not sent: %s", error)

    def log_message(self, *_args):
        """Quiet: the tests read the stand-in's requests instead."""
