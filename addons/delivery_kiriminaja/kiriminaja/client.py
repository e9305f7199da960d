"""Plain-Python client of the KiriminAja API (no Odoo import).

Only the endpoints the shipping flow needs. Every failure becomes a typed
``KiriminAjaError`` whose message is safe to show to a user: it never holds
the API key.

KiriminAja's conventions (https://developer.kiriminaja.com/docs):
- every call is a POST of JSON to ``<base>/api/mitra/...`` with the account's
  key as ``Authorization: Bearer <key>``;
- answers carry ``status`` (true / false), ``text`` (the message) and
  ``method``; a refused request answers ``status: false`` with its reason in
  ``text`` (on HTTP 200 as on 4xx), so ``status`` decides, not the HTTP code.
"""

import json
import logging
from urllib.parse import quote

import requests

_logger = logging.getLogger(__name__)

# Sandbox and live hosts of KiriminAja's "mitra" API.
SANDBOX_URL = "https://tdev.kiriminaja.com"
LIVE_URL = "https://client.kiriminaja.com"
DEFAULT_TIMEOUT = (5.0, 30.0)

DISTRICT_BY_NAME = "/api/mitra/v2/get_address_by_name"
SUBDISTRICT_BY_NAME = "/api/mitra/v2/get_subdistrict_by_name"
SHIPPING_PRICE = "/api/mitra/v6.1/shipping_price"
SCHEDULES = "/api/mitra/v2/schedules"
REQUEST_PICKUP = "/api/mitra/v6.1/request_pickup"
TRACKING = "/api/mitra/tracking"
CANCEL_SHIPMENT = "/api/mitra/v3/cancel_shipment"
# Instant couriers (GoSend, GrabExpress, Borzo) have their own endpoints
# (/docs/instant/*), priced by coordinates; their answers carry ``result``.
INSTANT_PRICING = "/api/mitra/v4/instant/pricing"
INSTANT_PICKUP = "/api/mitra/v4/instant/pickup/request"
INSTANT_FIND_DRIVER = "/api/mitra/v4/instant/pickup/find-new-driver"
INSTANT_TRACKING = "/api/mitra/v4/instant/tracking/"  # + order_id, GET
INSTANT_VOID = "/api/mitra/v4/instant/pickup/void/"  # + order_id, DELETE
# The instant couriers' codes and names (/docs/instant/service-list).
INSTANT_COURIERS = {
    "gosend": "GoSend",
    "grab_express": "Grab Express",
    "borzo": "Borzo Delivery",
}


class KiriminAjaError(Exception):
    """A failed KiriminAja call; ``transient``: worth trying again later."""

    transient = False

    def __init__(self, message, status=0):
        super().__init__(message)
        self.status = status


class KiriminAjaAuthError(KiriminAjaError):
    """No key, or a key KiriminAja refuses (HTTP 401/403)."""


class KiriminAjaRequestError(KiriminAjaError):
    """KiriminAja refused the request itself (``status: false``, 4xx)."""


class KiriminAjaServerError(KiriminAjaError):
    transient = True


class KiriminAjaTimeout(KiriminAjaError):
    transient = True


class KiriminAjaConnectionError(KiriminAjaError):
    transient = True


class KiriminAjaRateLimited(KiriminAjaError):
    """HTTP 429: ``retry_after`` seconds (0 when KiriminAja did not say)."""

    transient = True

    def __init__(self, message, status=429, retry_after=0.0):
        super().__init__(message, status)
        self.retry_after = retry_after


class KiriminAjaBadResponse(KiriminAjaError):
    """An answer that is not KiriminAja's JSON shape."""

    transient = True


class KiriminAjaClient:
    """KiriminAja API over one ``requests.Session``.

    :param api_key: the account's key, sent as a bearer token.
    :param base_url: SANDBOX_URL, LIVE_URL or a stand-in's URL.
    :param timeout: ``(connect, read)`` seconds, for every request.
    :param log_hook: optional ``callable(text, func_name)`` receiving each
        request and answer body (never the headers), e.g. ``carrier.log_xml``.
    """

    def __init__(
        self, api_key, base_url=SANDBOX_URL, timeout=DEFAULT_TIMEOUT, log_hook=None
    ):
        if not api_key:
            raise KiriminAjaAuthError("The KiriminAja API key is not set.")
        self._api_key = api_key
        self.base_url = (base_url or SANDBOX_URL).rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.log_hook = log_hook

    def __repr__(self):
        # tracebacks and debuggers print objects: never the key
        return f"<KiriminAjaClient {self.base_url}>"

    # -- endpoints ---------------------------------------------------------

    def districts_by_name(self, search):
        """Kecamatan whose name matches ``search`` (3 characters or more):
        ``[{"id", "text"}]``."""
        return self._data(DISTRICT_BY_NAME, {"search": search})

    def subdistricts_by_name(self, search):
        """Kelurahan matching a name or postal code: ``[{"province_id",
        "city_id", "district_id", "subdistrict_id", "full_address"}]``."""
        return self._data(SUBDISTRICT_BY_NAME, {"search": search})

    def shipping_price(self, payload):
        """Priced services between two kecamatan: the answer's ``results``."""
        answer = self._request(SHIPPING_PRICE, payload)
        results = answer.get("results")
        if not isinstance(results, list):
            raise KiriminAjaBadResponse("KiriminAja's prices came without results.")
        return results

    def schedules(self):
        """Pickup windows KiriminAja offers: ``[{"clock": "YYYY-MM-DD
        HH:mm:ss", "until", "expired" (epoch), "libur" (holiday)}]``."""
        schedules = self._request(SCHEDULES, {}).get("schedules")
        if not isinstance(schedules, list):
            raise KiriminAjaBadResponse("KiriminAja's schedules came without a list.")
        return schedules

    def request_pickup(self, payload):
        """Create the orders of ``payload["packages"]`` (request_pickup): the
        whole answer (``details``, ``pickup_number``, ``payment_status``)."""
        return self._request(REQUEST_PICKUP, payload)

    def tracking(self, order_id):
        """The package of our ``order_id``: the answer's ``details`` and
        ``histories``; None when KiriminAja has no such package."""
        try:
            answer = self._request(TRACKING, {"order_id": order_id})
        except KiriminAjaRequestError as error:
            # the documented refusal of an unknown order id
            if "not found" in str(error).lower():
                return None
            raise
        if not isinstance(answer.get("details"), dict):
            raise KiriminAjaBadResponse("KiriminAja's tracking came without details.")
        return answer

    def cancel_shipment(self, awb, reason):
        """Ask KiriminAja to void the package of ``awb`` (/docs/order/void:
        by AWB, not order id; only before the courier picked it up). The
        answer's ``data``: ``{"success": "pending" | ..., "date"}`` (non-COD
        packages are voided within 48 hours, COD ones at once)."""
        answer = self._request(CANCEL_SHIPMENT, {"awb": awb, "reason": reason})
        data = answer.get("data")
        return data if isinstance(data, dict) else {}

    def instant_pricing(self, payload):
        """Instant prices between two coordinates (/docs/instant/pricing):
        the answer's ``result``, one entry per courier (``name``, ``costs``:
        ``[{"service_type", "estimation", "price": {"admin_fee",
        "shipping_costs", "total_price"}}]``)."""
        result = self._request(INSTANT_PRICING, payload).get("result")
        if not isinstance(result, list):
            raise KiriminAjaBadResponse(
                "KiriminAja's instant prices came without result."
            )
        return result

    def instant_pickup(self, payload):
        """Book the instant packages of ``payload`` (/docs/instant/pickup):
        the answer's ``result`` (``payment``, ``packages``)."""
        result = self._request(INSTANT_PICKUP, payload).get("result")
        if not isinstance(result, dict):
            raise KiriminAjaBadResponse(
                "KiriminAja's instant booking came without result."
            )
        return result

    def instant_tracking(self, order_id):
        """The instant package of ``order_id`` (/docs/instant/tracking, GET):
        the answer's ``result``; None when KiriminAja has no such package."""
        try:
            answer = self._request(
                INSTANT_TRACKING + quote(order_id, safe=""), method="GET"
            )
        except KiriminAjaRequestError as error:
            # the documented failure answer: "data not found"
            if "not found" in str(error).lower():
                return None
            raise
        if not isinstance(answer.get("result"), dict):
            raise KiriminAjaBadResponse(
                "KiriminAja's instant tracking came without result."
            )
        return answer["result"]

    def instant_void(self, order_id):
        """Void the instant package of ``order_id`` (/docs/instant/void,
        DELETE): the answer's ``result`` (``payment``, ``packages``)."""
        result = self._request(
            INSTANT_VOID + quote(order_id, safe=""), method="DELETE"
        ).get("result")
        return result if isinstance(result, dict) else {}

    def instant_find_new_driver(self, order_id):
        """Ask for another driver for the instant package of ``order_id``
        (/docs/instant/find-new-driver): ``{"awb", "order_id"}``."""
        result = self._request(INSTANT_FIND_DRIVER, {"order_id": order_id}).get(
            "result"
        )
        return result if isinstance(result, dict) else {}

    # -- plumbing ----------------------------------------------------------

    def _data(self, path, payload):
        data = self._request(path, payload).get("data")
        if not isinstance(data, list):
            raise KiriminAjaBadResponse("KiriminAja's answer came without data.")
        return data

    def _request(self, path, payload=None, method="POST"):
        """``payload``: the JSON body (POST); GET and DELETE send none."""
        body = json.dumps(payload) if payload is not None else None
        if self.log_hook:
            self.log_hook(f"{method} {path}\n{body or ''}", "kiriminaja_request")
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                data=body,
                headers={
                    "Authorization": f"Bearer {self._api_key}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
                timeout=self.timeout,
            )
        except requests.Timeout as error:
            raise KiriminAjaTimeout("KiriminAja did not answer in time.") from error
        except requests.RequestException as error:
            # the exception's text may hold the URL, never the key (a header)
            raise KiriminAjaConnectionError(
                f"KiriminAja cannot be reached: {type(error).__name__}"
            ) from error
        if self.log_hook:
            self.log_hook(response.text[:4000], "kiriminaja_response")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        text = answer.get("text") if isinstance(answer, dict) else None
        text = str(text)[:300] if text else ""
        status = response.status_code
        if status in (401, 403):
            raise KiriminAjaAuthError(
                f"KiriminAja refused the API key: {text or status}", status
            )
        if status == 429:
            try:
                retry_after = max(0.0, float(response.headers.get("Retry-After", 0)))
            except ValueError:
                retry_after = 0.0
            raise KiriminAjaRateLimited(
                f"KiriminAja asks to slow down: {text or status}",
                retry_after=retry_after,
            )
        if status >= 500:
            raise KiriminAjaServerError(
                f"KiriminAja failed (HTTP {status}): {text}", status
            )
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), bool):
            raise KiriminAjaBadResponse(
                f"KiriminAja sent an unreadable answer (HTTP {status}).", status
            )
        if not answer["status"] or status >= 400:
            raise KiriminAjaRequestError(
                f"KiriminAja refused the request: {text or status}", status
            )
        return answer
