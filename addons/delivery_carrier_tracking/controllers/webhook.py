import json
import logging

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

_logger = logging.getLogger(__name__)


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
        carrier = request.env["delivery.carrier"].sudo().browse(carrier_id).exists()
        if not carrier:
            return self._answer(404, "unknown carrier")
        raw_body = request.httprequest.get_data()
        headers = request.httprequest.headers
        if not carrier._tracking_webhook_verify(raw_body, headers):
            _logger.warning("Tracking webhook of carrier %s: bad signature", carrier.id)
            return self._answer(403, "invalid signature or timestamp")
        # Carriers' dashboards test a newly installed webhook with an empty
        # POST. Checked after the signature: unauthenticated, it gets 403 like
        # any other request, so the endpoint tells strangers nothing.
        if not raw_body.strip():
            return self._answer(200, "ok", applied=0, unknown=0)
        try:
            payload = json.loads(raw_body)
            shipments = carrier._tracking_webhook_events(payload, headers)
        except (ValueError, TypeError) as error:  # JSONDecodeError included
            return self._answer(400, f"malformed payload: {error}"[:200])
        applied = unknown = 0
        for shipment in shipments:
            picking = self._find_picking(carrier, shipment)
            if not picking:
                unknown += 1
                continue
            try:
                with request.env.cr.savepoint():
                    if shipment.get("new_tracking_number"):
                        picking._tracking_set_number(shipment["new_tracking_number"])
                    # False means "no price" (0.0 is a price)
                    price = shipment.get("price")
                    if price is not None and price is not False:
                        picking._tracking_set_price(price)
                    picking._tracking_apply_events(shipment.get("events") or [])
            except (UserError, ValueError) as error:
                return self._answer(400, str(error)[:200])
            applied += 1
        return self._answer(200, "ok", applied=applied, unknown=unknown)

    def _find_picking(self, carrier, shipment):
        Picking = request.env["stock.picking"].sudo()
        if shipment.get("carrier_shipment_id"):
            picking = Picking.search(
                [
                    ("carrier_id", "=", carrier.id),
                    ("carrier_shipment_id", "=", shipment["carrier_shipment_id"]),
                ],
                limit=1,
            )
            if picking:
                return picking
        number = shipment.get("tracking_number")
        if not number:
            return Picking
        # carrier_tracking_ref holds comma-separated numbers (one per package)
        candidates = Picking.search(
            [
                ("carrier_id", "=", carrier.id),
                ("carrier_tracking_ref", "ilike", number),
            ]
        )
        return candidates.filtered(
            lambda p: number in [n.strip() for n in p.carrier_tracking_ref.split(",")]
        )[:1]

    def _answer(self, status, message, **values):
        body = json.dumps(
            {"status": "ok" if status == 200 else "error", "message": message, **values}
        )
        return request.make_response(
            body, headers=[("Content-Type", "application/json")], status=status
        )
