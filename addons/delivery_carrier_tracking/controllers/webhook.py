import json
import logging

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

# Largest webhook body read: a carrier's status update is a few kilobytes.
WEBHOOK_MAX_BODY = 1024 * 1024


class DeliveryTrackingWebhook(http.Controller):
    @http.route(
        "/delivery_tracking/webhook/<int:carrier_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def tracking_webhook(self, carrier_id, **_kwargs):
        Carrier = request.env["delivery.carrier"].sudo()
        # one query: whether it exists (archived too), and the row that
        # reading any of its fields would fetch (the provider's authentication
        # reads some); then back to the request's context
        carrier = (
            Carrier.with_context(active_test=False)
            .search_fetch(
                [("id", "=", carrier_id)],
                [
                    name
                    for name, field in Carrier._fields.items()
                    if field.prefetch is True
                ],
            )
            .with_env(Carrier.env)
        )
        if not carrier:
            return self._answer(404, "unknown carrier")
        # Before the signature: hashing a body means reading all of it.
        raw_body = self._read_body()
        if raw_body is None:
            return self._answer(413, f"body larger than {WEBHOOK_MAX_BODY} bytes")
        headers = request.httprequest.headers
        try:
            verified = carrier._tracking_webhook_verify(raw_body, headers)
        except (ValueError, TypeError, UnicodeError):  # odd headers: not signed
            verified = False
        if not verified:
            _logger.warning("Tracking webhook of carrier %s: bad signature", carrier.id)
            return self._answer(403, "invalid signature or timestamp")
        # Carriers' dashboards test a newly installed webhook with an empty
        # POST. Checked after the signature: unauthenticated, it gets 403 like
        # any other request, so the endpoint tells strangers nothing.
        # The provider's URL check is accepted unsigned: it writes nothing,
        # not even an inbox row.
        if not raw_body.strip() or carrier._tracking_webhook_is_ping(raw_body):
            return self._answer(200, "ok", applied=0, unknown=0)
        try:
            payload = json.loads(raw_body)
        except ValueError as error:
            return self._answer(400, f"malformed payload: {error}"[:200])
        Inbox = request.env["delivery.carrier.webhook.inbox"].sudo()
        if Inbox._tracking_queue_mode():
            # accept, then apply: recorded and committed with this answer,
            # applied right after by the inbox crons
            new = Inbox._tracking_accept(carrier, payload, headers)
            return self._answer(200, "accepted", accepted=int(new))
        try:
            shipments = carrier._tracking_webhook_events(payload, headers)
        # JSONDecodeError is a ValueError; OverflowError: a time out of range
        except (ValueError, TypeError, OverflowError) as error:
            return self._answer(400, f"malformed payload: {error}"[:200])
        try:
            applied, unknown = carrier._tracking_webhook_apply(shipments)
        except (UserError, ValueError) as error:
            return self._answer(400, str(error)[:200])
        return self._answer(200, "ok", applied=applied, unknown=unknown)

    def _read_body(self):
        """The raw body, or None when it is over WEBHOOK_MAX_BODY: refused on
        its Content-Length before anything is read, and read with a bound
        when it has none (chunked)."""
        length = request.httprequest.content_length
        if length is not None and length > WEBHOOK_MAX_BODY:
            return None
        # Odoo's request only offers get_data(), which reads the body whole;
        # werkzeug's request behind it has the stream (limited to the
        # Content-Length, or dechunked) to read a bounded part of it.
        wrequest = request.httprequest.get_data.__self__
        # Odoo runs the request again after a serialization failure (e.g. two
        # events for one delivery at once): the stream is spent by then, the
        # body read the first time is kept on the request, as get_data() does.
        cached = getattr(wrequest, "_cached_data", None)
        if cached is not None:
            return cached
        chunks, size = [], 0
        while size <= WEBHOOK_MAX_BODY:
            chunk = wrequest.stream.read(WEBHOOK_MAX_BODY + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > WEBHOOK_MAX_BODY:
            return None
        wrequest._cached_data = b"".join(chunks)
        return wrequest._cached_data

    def _answer(self, status, message, **values):
        body = json.dumps(
            {"status": "ok" if status == 200 else "error", "message": message, **values}
        )
        return request.make_response(
            body, headers=[("Content-Type", "application/json")], status=status
        )
