from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..biteship import BiteshipError, BiteshipRequestError
from ..biteship.status import DEAD_ORDER_STATUSES

# pg_advisory_xact_lock(class, id): one Biteship order creation per delivery at once.
ADVISORY_LOCK_CLASS = 0x42544553  # "BTES"


class BiteshipCarrierShipping(models.AbstractModel):
    """Biteship orders: create (once per delivery), cancel; mixed into
    delivery.carrier."""

    _name = "biteship.carrier.shipping"
    _description = "Biteship Shipments"

    def biteship_send_shipping(self, pickings):
        """Create (or, on retry, find again) one Biteship order per delivery."""
        self.ensure_one()
        # Before any order exists: its price could not be recorded afterwards.
        for company in pickings.company_id:
            self._biteship_check_idr_rate(company)
        return [self._biteship_ship(picking) for picking in pickings]

    def _biteship_ship(self, picking):
        client = self._biteship_client()
        self.env.cr.execute(
            SQL("SELECT pg_advisory_xact_lock(%s, %s)", ADVISORY_LOCK_CLASS, picking.id)
        )
        order = None
        known_id = picking.carrier_shipment_id or self.env[
            "biteship.order.journal"
        ]._last_order_id(picking)
        if known_id:
            try:
                order = client.get_order(known_id)
            except BiteshipError as error:
                raise self._biteship_error(
                    error, self.env._("read order %s", known_id)
                ) from error
            if order.get("status") in DEAD_ORDER_STATUSES:
                order = None
        if order is None:
            payload = self._biteship_order_payload(picking)
            try:
                order = client.create_order(payload)
            except BiteshipError as error:
                raise self._biteship_error(
                    error, self.env._("create the shipment")
                ) from error
            if not order.get("id"):
                raise UserError(self.env._("Biteship created an order without an id."))
            # Committed at once, outside this transaction: a rollback or crash
            # after this point must not lead a retry to order a second time.
            self.env["biteship.order.journal"]._record(picking, self, order["id"])
        courier = order.get("courier") or {}
        picking.write(
            {
                "carrier_shipment_id": order["id"],
                "biteship_tracking_id": courier.get("tracking_id") or False,
                "biteship_tracking_link": courier.get("link") or False,
            }
        )
        waybill = courier.get("waybill_id") or False
        if waybill and not picking.carrier_tracking_ref:
            picking.carrier_tracking_ref = picking._tracking_clean_number(waybill)
            self._tracking_attach_labels(picking)
        return {
            "exact_price": self._biteship_to_company_currency(
                order.get("price") or 0.0, picking.company_id
            ),
            "tracking_number": waybill,
        }

    def biteship_get_tracking_link(self, picking):
        """The carrier's tracking link when the shop set one (e.g. the courier's
        own page), else Biteship's public page of the order."""
        return self._tracking_link_value(picking) or picking.biteship_tracking_link

    def biteship_cancel_shipment(self, pickings):
        client = self._biteship_client()
        for picking in pickings.filtered("carrier_shipment_id"):
            reason = self.env._("Cancelled from Odoo delivery %s", picking.name)
            try:
                client.cancel_order(picking.carrier_shipment_id, reason)
            except BiteshipRequestError as error:
                # Already cancelled (a lost answer, a second click) is success.
                try:
                    order = client.get_order(picking.carrier_shipment_id)
                except BiteshipError:
                    order = {}
                if order.get("status") != "cancelled":
                    raise self._biteship_error(
                        error, self.env._("cancel the shipment")
                    ) from error
            except BiteshipError as error:
                raise self._biteship_error(
                    error, self.env._("cancel the shipment")
                ) from error
            picking.message_post(
                body=self.env._(
                    "Biteship order %(order)s cancelled.",
                    order=picking.carrier_shipment_id,
                )
            )
        pickings.write({"carrier_tracking_ref": False, "biteship_tracking_link": False})
