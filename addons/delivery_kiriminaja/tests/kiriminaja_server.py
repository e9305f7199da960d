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
    def __init__(self, status, text):
        super().__init__(text)
        self.status, self.text = status, text


class KiriminAjaStandIn:
    def __init__(self, api_key):
        self.api_key = api_key
        self.requests = []  # (path, body) of each authenticated call
        self.hits = 0  # every request received, answered or not
        self.delay = 0.0
        self.broken = None  # (status, raw body) answered to every call
        self.lose_answer_of = None  # a path whose next call is done, unanswered
        self.orders = {}  # order_id -> package as booked, with its "awb"
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

    def handle(self, path, headers, raw):
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
        route = ROUTES.get(path)
        if not route:
            return 404, {"status": False, "text": "Not found."}
        self.requests.append((path, body))
        try:
            method, answer = route(self, body)
        except ApiError as error:
            return error.status, {"status": False, "text": error.text}
        if path == self.lose_answer_of:
            self.lose_answer_of = None
            return None  # done, but the answer never reaches the client
        return 200, {"status": True, "text": "Success", "method": method, **answer}

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


ROUTES = {
    "/api/mitra/v2/schedules": KiriminAjaStandIn.schedules,
    "/api/mitra/v6.1/request_pickup": KiriminAjaStandIn.request_pickup,
    "/api/mitra/tracking": KiriminAjaStandIn.tracking,
    "/api/mitra/v3/cancel_shipment": KiriminAjaStandIn.cancel_shipment,
    "/api/mitra/v2/get_address_by_name": KiriminAjaStandIn.district_by_name,
    "/api/mitra/v2/get_subdistrict_by_name": KiriminAjaStandIn.subdistrict_by_name,
    "/api/mitra/v6.1/shipping_price": KiriminAjaStandIn.shipping_price,
}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        result = self.server.standin.handle(self.path, self.headers, raw)
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
