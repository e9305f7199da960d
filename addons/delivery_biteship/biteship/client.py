"""Plain-Python client of the Biteship REST API (no Odoo import).

Only the endpoints the shipping flow needs: rates, orders (create, read, cancel)
and trackings. Every failure becomes a typed ``BiteshipError`` whose message is
safe to show to a user: it never contains the API key.
"""

import json
import logging

import requests

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.biteship.com"
DEFAULT_TIMEOUT = (5.0, 30.0)


class BiteshipError(Exception):
    """Base of every error raised by the client. ``transient``: the same
    request may succeed later (429, 5xx, no or a broken answer); the caller
    backs off, it is never retried here (https://biteship.com/id/docs/errors).

    ``status`` is the HTTP status (0 when no answer arrived), ``code`` Biteship's
    own error code when the answer carried one.
    """

    # whether the same request may succeed later
    transient = True

    def __init__(self, message, status=0, code=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        # Biteship's "details" object (e.g. the order of a used reference_id)
        self.details = details if isinstance(details, dict) else {}


class BiteshipAuthError(BiteshipError):
    """401/403: the API key is wrong, revoked or lacks the right."""

    transient = False


class BiteshipRequestError(BiteshipError):
    """4xx (or ``success: false``): Biteship refused the request as sent; the
    same request will be refused again (https://biteship.com/id/docs/errors)."""

    transient = False


class BiteshipRateLimited(BiteshipError):
    """429: too many requests; ``retry_after`` seconds (Retry-After) or None."""

    def __init__(self, message, status=429, code=None, retry_after=None):
        super().__init__(message, status, code)
        self.retry_after = retry_after


class BiteshipServerError(BiteshipError):
    """5xx: Biteship failed; the same request may succeed later."""


class BiteshipTimeout(BiteshipError):
    """No answer within the configured timeout."""


class BiteshipConnectionError(BiteshipError):
    """The connection failed or was reset before a full answer arrived."""


class BiteshipBadResponse(BiteshipError):
    """An answer arrived but is not the JSON object the API documents."""


class BiteshipClient:
    """Biteship API over one ``requests.Session``.

    :param api_key: sent as-is in the ``authorization`` header, as documented.
    :param timeout: ``(connect, read)`` seconds, applied to every request.
    :param log_hook: optional ``callable(text, func_name)`` receiving each request
        and answer body (never the headers), e.g. ``carrier.log_xml``.
    """

    def __init__(
        self,
        api_key,
        base_url=DEFAULT_BASE_URL,
        timeout=DEFAULT_TIMEOUT,
        session=None,
        log_hook=None,
    ):
        if not api_key:
            raise BiteshipAuthError("The Biteship API key is not set.")
        self._api_key = api_key
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.log_hook = log_hook

    def __repr__(self):
        # The default repr would be harmless, but tracebacks and debuggers print
        # objects: keep the key out of anything that renders this client.
        return f"<BiteshipClient {self.base_url}>"

    # -- endpoints ---------------------------------------------------------

    def get_rates(self, payload):
        """``POST /v1/rates/couriers``: the answer's ``pricing`` list and more."""
        return self._request("POST", "/v1/rates/couriers", payload)

    def create_order(self, payload):
        """``POST /v1/orders``: the created order (``id``, ``courier``, ``price``)."""
        return self._request("POST", "/v1/orders", payload)

    def get_order(self, order_id):
        """``GET /v1/orders/:id``."""
        return self._request("GET", f"/v1/orders/{self._segment(order_id)}")

    def cancel_order(self, order_id, reason_code="others", reason=None):
        """``POST /v1/orders/:id/cancel``: ``cancellation_reason_code`` is one of
        change_courier, pickup_delay, change_address, others; the free-text
        ``cancellation_reason`` goes only with others
        (https://biteship.com/id/docs/api/orders/delete)."""
        body = {"cancellation_reason_code": reason_code}
        if reason_code == "others":
            body["cancellation_reason"] = reason or "Cancelled by the shop"
        return self._request(
            "POST", f"/v1/orders/{self._segment(order_id)}/cancel", body
        )

    def get_tracking(self, tracking_id):
        """``GET /v1/trackings/:id`` (tracking id of an order made through the API)."""
        return self._request("GET", f"/v1/trackings/{self._segment(tracking_id)}")

    def get_public_tracking(self, waybill_id, courier_code):
        """``GET /v1/trackings/:waybill_id/couriers/:courier_code``."""
        return self._request(
            "GET",
            f"/v1/trackings/{self._segment(waybill_id)}"
            f"/couriers/{self._segment(courier_code)}",
        )

    # -- plumbing ----------------------------------------------------------

    @staticmethod
    def _segment(value):
        # Ids come from Biteship or from our database; refuse anything that
        # could change the path rather than quoting it into another endpoint.
        value = str(value or "").strip()
        if not value or any(ch in value for ch in "/?#% "):
            raise BiteshipRequestError(f"Invalid Biteship identifier: {value!r}")
        return value

    def _log(self, text, func):
        _logger.debug("biteship %s: %s", func, text)
        if self.log_hook:
            self.log_hook(text, func)

    def _request(self, method, path, payload=None):
        url = self.base_url + path
        func = f"{method} {path}"
        self._log(json.dumps(payload) if payload is not None else "", func)
        try:
            response = self.session.request(
                method,
                url,
                json=payload,
                headers={
                    "authorization": self._api_key,
                    "accept": "application/json",
                },
                timeout=self.timeout,
            )
        # ConnectTimeout is both a Timeout and a ConnectionError: test it first.
        except requests.Timeout as e:
            raise BiteshipTimeout(
                f"Biteship did not answer {func} within {self.timeout} seconds."
            ) from e
        except requests.ConnectionError as e:
            raise BiteshipConnectionError(
                f"Connection to Biteship failed during {func}: {type(e).__name__}."
            ) from e
        except requests.RequestException as e:
            raise BiteshipConnectionError(
                f"Request to Biteship failed during {func}: {type(e).__name__}."
            ) from e
        self._log(f"{response.status_code} {response.text[:2000]}", func)
        return self._parse(response, func)

    @staticmethod
    def _parse(response, func):
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = None
        message = code = None
        details = None
        if body is not None:
            message = body.get("error") or body.get("message")
            code = body.get("code")
            details = body.get("details")
        if status == 429:
            raise BiteshipRateLimited(
                f"Biteship is rate limiting requests (429) during {func}"
                + (f": {message}" if message else "."),
                status,
                code,
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if status in (401, 403):
            raise BiteshipAuthError(
                f"Biteship refused the API key ({status}): "
                f"{message or 'authorization failed'}",
                status,
                code,
            )
        if status >= 500:
            raise BiteshipServerError(
                f"Biteship server error {status} during {func}"
                + (f": {message}" if message else "."),
                status,
                code,
            )
        if status >= 400:
            raise BiteshipRequestError(
                f"Biteship rejected {func} ({status}): {message or 'no detail given'}",
                status,
                code,
                details,
            )
        if body is None:
            raise BiteshipBadResponse(
                f"Biteship answered {func} with something that is not a JSON object.",
                status,
            )
        if body.get("success") is False:
            raise BiteshipRequestError(
                f"Biteship rejected {func}: {message or 'no detail given'}",
                status,
                code,
                details,
            )
        return body


def _retry_after(value):
    """Seconds of a Retry-After header (delay-seconds form), None otherwise."""
    try:
        return max(0.0, float(str(value).strip()))
    except (TypeError, ValueError):
        return None
