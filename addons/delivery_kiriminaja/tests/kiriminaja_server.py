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
  ``etd``, ``cod``, ``setting`` with ``cod_fee`` / ``minimum_cod_fee``,
  ``insurance``).

The areas and prices are invented test data (the doc's own example ids for
"Ngemplak", which names two districts).
"""

import json
import threading
import time
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

NOT_AUTHENTICATED = (401, {"status": False, "text": "Unauthenticated."})


class ApiError(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status, self.text = status, text


class KiriminAjaStandIn:
    def __init__(self, api_key):
        self.api_key = api_key
        self.requests = []  # (path, body) of each authenticated call
        self.delay = 0.0
        self.broken = None  # (status, raw body) answered to every call
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
        self.delay = 0.0
        self.broken = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def calls(self, path):
        return [body for called, body in self.requests if called == path]

    # -- API -------------------------------------------------------------

    def handle(self, path, headers, raw):
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
        results = [
            {
                "service": courier,
                "service_name": name,
                "service_type": service_type,
                "cost": str(cost * kilos),
                "etd": etd,
                "cod": cod,
                "group": "regular",
                "drop": True,
                "setting": {"cod_fee": "3%", "minimum_cod_fee": "2500"},
                "insurance": round((item_value or 0) * 0.002) + 5000
                if insurance
                else 0,
            }
            for courier, service_type, name, cost, etd, cod in SERVICES
            if couriers is None or courier in couriers
        ]
        details = {
            "origin_district_id": body["origin"],
            "destination_district_id": body["destination"],
            "weight": body["weight"],
        }
        return "shipping_price", {"details": details, "results": results}


ROUTES = {
    "/api/mitra/v2/get_address_by_name": KiriminAjaStandIn.district_by_name,
    "/api/mitra/v2/get_subdistrict_by_name": KiriminAjaStandIn.subdistrict_by_name,
    "/api/mitra/v6.1/shipping_price": KiriminAjaStandIn.shipping_price,
}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        status, answer = self.server.standin.handle(self.path, self.headers, raw)
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
