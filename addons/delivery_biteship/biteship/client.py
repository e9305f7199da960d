"""Plain-Python client of the Biteship REST API (no Odoo import).

Only the endpoints the shipping flow needs: rates, orders (create, read, cancel)
and trackings. Every failure becomes a typed ``BiteshipError`` whose message is
safe to show to a user: it never contains the API key.
"""

import json
import logging

import requests

from .answers import cancel_body
from .errors import (
    BiteshipAuthError,
    BiteshipBadResponse,
    BiteshipConnectionError,
    BiteshipRequestError,
    BiteshipTimeout,
    answer_error,
    make_error,
)

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.biteship.com"
DEFAULT_TIMEOUT = (5.0, 30.0)


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
        """``POST /v1/orders/:id/cancel`` (body: answers.cancel_body)."""
        try:
            body = cancel_body(reason_code, reason)
        except ValueError as error:
            raise BiteshipRequestError(str(error)) from error
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
        """The answer's JSON object, or the typed error it is: by Biteship's
        code (see errors.py), not by the HTTP status or the text."""
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        failure = answer_error(status, body)
        if failure is None and isinstance(body, dict):
            return body
        if failure is None:
            raise BiteshipBadResponse(
                f"Biteship answered {func} with something that is not a JSON object.",
                status,
            )
        code, text, details = failure
        raise make_error(
            func,
            status,
            code,
            text,
            details,
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )


def _retry_after(value):
    """Seconds of a Retry-After header (delay-seconds form), None otherwise."""
    try:
        return max(0.0, float(str(value).strip()))
    except (TypeError, ValueError):
        return None
