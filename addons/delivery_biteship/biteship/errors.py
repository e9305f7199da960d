"""Biteship's errors: what each of its codes means for the shop, and the typed
exceptions the client raises (plain Python, no Odoo import).

Biteship answers an error as ``{"success": false, "error": "<text>", "code":
<int>}`` (key order varies; some add ``details``), and its HTTP status does
not tell the kind: a wrong API key is HTTP 400, an unknown order too. So the
``code`` decides, never the HTTP status or the text; the status only for an
answer without a code (a proxy's 502 page, a 429). A code reads
``<class: 3 digits><area: 2 digits><number: 3 digits>`` (40002060: 400, orders,
60); a code this table does not name is taken by its class.
"""

# What the shop does about an error: fix the method's settings or the
# Biteship account (configuration), fix the delivery or its data (request),
# nothing to find (not found), wait (rate limited, temporary).
CONFIGURATION = "configuration"
REQUEST = "request"
NOT_FOUND = "not_found"
RATE_LIMITED = "rate_limited"
TEMPORARY = "temporary"

ERROR_KINDS = {
    # https://biteship.com/id/docs/api/authentication, "Authentication Error
    # Codes". A wrong key is 40000001 with HTTP 400 (asserted against the live
    # API by muh-hizbe/go-biteship and toel-app/biteship integration_test.go);
    # a missing key 40101001 with HTTP 401 (thexdev/biteship-nodejs tests).
    40000001: CONFIGURATION,  # Authentication for your key has failed
    40101001: CONFIGURATION,  # Authorization failed
    40101002: CONFIGURATION,  # No account found with associated key
    40101003: CONFIGURATION,  # Cannot process authorization
    40301001: CONFIGURATION,  # There's no match token for this key
    40301002: CONFIGURATION,  # User information not found
    # https://biteship.com/id/docs/api/orders/error: the key itself, on orders
    # (a key whose Order API is not activated yet: docs "Issue API Key")
    40002001: CONFIGURATION,  # Booking courier API Key is not found
    40002002: CONFIGURATION,  # Key has not been activated
    40002003: CONFIGURATION,  # There's an error with your authentication key
    # "Route not found." (REAL, NKRI-78/api-biteship log, a mistyped path): our
    # paths are fixed, so the method's API URL is wrong
    40400000: CONFIGURATION,
    # Nothing there (orders/error, trackings/error, draft_orders/error; the
    # unknown order is HTTP 400, go-biteship integration_test.go)
    40002057: NOT_FOUND,  # Order not found
    40003001: NOT_FOUND,  # Failed to retrieve tracking number (REAL)
    40003002: NOT_FOUND,  # Courier tracking not available
    40003003: NOT_FOUND,  # Waybill not found
    40411007: NOT_FOUND,  # Draft order not found
    # Biteship's own failures (orders/error), the same request may pass later
    40002021: TEMPORARY,  # something wrong getting the courier rates
    40002041: TEMPORARY,  # Failed to create order
    40002042: TEMPORARY,  # Something went wrong when getting the order's details
    40002055: TEMPORARY,  # Failed to cancel the courier
    40002056: TEMPORARY,  # Something wrong when cancelling an order
}
# A code not named above, by its first three digits
CLASS_KINDS = {
    400: REQUEST,
    401: CONFIGURATION,
    403: CONFIGURATION,
    404: NOT_FOUND,
    422: REQUEST,
    429: RATE_LIMITED,
}
# POST /v1/rates/couriers: "No courier available for requested location"
NO_COURIER_FOR_LOCATION = 40001010
# POST /v1/orders: reference_id used before, its order in details
REFERENCE_USED = 40002060
# POST /v1/orders/:id/cancel: the order is past cancelling
NOT_CANCELLABLE = 40002053


def error_code(value):
    """Biteship's ``code`` as an int when it is an error code (4xxxxxxx or
    5xxxxxxx), else None (success codes 2xxxxxxx, nothing, garbage)."""
    if isinstance(value, bool):
        return None
    try:
        code = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return code if 40_000_000 <= code < 60_000_000 else None


def error_kind(code, status=0):
    """The kind of an error: by Biteship's code, by the HTTP status only when
    the answer carried no code."""
    code = error_code(code)
    if code is not None:
        if code in ERROR_KINDS:
            return ERROR_KINDS[code]
        code_class = code // 100_000
        return CLASS_KINDS.get(code_class, TEMPORARY if code_class >= 500 else REQUEST)
    if status >= 500 or not status:
        return TEMPORARY
    return CLASS_KINDS.get(status, REQUEST)


def answer_error(status, body):
    """(code, text, details) of an answer that is an error, None for an
    answer to use. An answer is an error when its HTTP status is, when it says
    ``success: false``, or when its code is an error code: a fixture of the
    missing-key answer even says ``success: true`` beside code 40101001."""
    if not isinstance(body, dict):
        return (None, "", None) if status >= 400 else None
    code = error_code(body.get("code"))
    if status < 400 and body.get("success") is not False and code is None:
        return None
    text = body.get("error") or body.get("message") or ""
    details = body.get("details")
    return code, str(text), details if isinstance(details, dict) else None


class BiteshipError(Exception):
    """Base of every error raised by the client; its message is safe to
    show to staff (never the API key).

    ``status``: the HTTP status (0 when no answer arrived); ``code``:
    Biteship's error code when the answer carried one; ``kind``: what to do
    about it (see ERROR_KINDS); ``transient``: the same request may succeed
    later, the caller backs off (it is never retried here).
    """

    kind = TEMPORARY

    def __init__(self, message, status=0, code=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        # Biteship's "details" object (e.g. the order of a used reference_id)
        self.details = details if isinstance(details, dict) else {}

    @property
    def transient(self):
        return self.kind in (TEMPORARY, RATE_LIMITED)


class BiteshipAuthError(BiteshipError):
    """The method's settings or the Biteship account: a wrong, missing or
    not activated API key, a wrong API URL. Nothing the delivery can change:
    a person fixes the settings."""

    kind = CONFIGURATION


class BiteshipRequestError(BiteshipError):
    """Biteship refused the request as sent (data, address, courier): the
    same request will be refused again."""

    kind = REQUEST


class BiteshipNotFound(BiteshipRequestError):
    """The order, tracking or waybill asked for is not on this account."""

    kind = NOT_FOUND


class BiteshipRateLimited(BiteshipError):
    """Too many requests; ``retry_after`` seconds (Retry-After) or None."""

    kind = RATE_LIMITED

    def __init__(self, message, status=429, code=None, details=None, retry_after=None):
        super().__init__(message, status, code, details)
        self.retry_after = retry_after


class BiteshipServerError(BiteshipError):
    """Biteship failed; the same request may succeed later."""


class BiteshipTimeout(BiteshipError):
    """No answer within the configured timeout."""


class BiteshipConnectionError(BiteshipError):
    """The connection failed or was reset before a full answer arrived."""


class BiteshipBadResponse(BiteshipError):
    """An answer arrived but is not the JSON object the API documents."""


KIND_ERRORS = {
    CONFIGURATION: BiteshipAuthError,
    REQUEST: BiteshipRequestError,
    NOT_FOUND: BiteshipNotFound,
    RATE_LIMITED: BiteshipRateLimited,
    TEMPORARY: BiteshipServerError,
}


def make_error(what, status=0, code=None, text="", details=None, retry_after=None):
    """The typed error of an error answer to `what` (e.g. "POST /v1/orders"),
    its message naming the request, the status, Biteship's code and text."""
    kind = error_kind(code, status)
    said = ", ".join(str(part) for part in (status, code) if part)
    text = text or "no detail given"
    if kind == CONFIGURATION:
        message = f"Biteship refused the API key or account ({said}): {text}"
    elif kind == TEMPORARY:
        message = f"Biteship failed during {what} ({said}): {text}"
    elif kind == RATE_LIMITED:
        message = f"Biteship is rate limiting requests ({said}) during {what}: {text}"
        return BiteshipRateLimited(message, status, code, details, retry_after)
    else:
        message = f"Biteship rejected {what} ({said}): {text}"
    return KIND_ERRORS[kind](message, status, code, details)
