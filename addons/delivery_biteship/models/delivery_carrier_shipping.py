from datetime import timedelta

from odoo import models
from odoo.exceptions import UserError

from ..biteship import BiteshipBadResponse, BiteshipError, BiteshipRequestError
from ..biteship.answers import booked_order, cancelled_order
from ..biteship.errors import NOT_CANCELLABLE, REFERENCE_USED
from ..biteship.status import DEAD_ORDER_STATUSES
from ..biteship.tracking import order_news, public_tracking_url

# References tried for one delivery whose earlier Biteship orders all died
MAX_REFERENCES = 10
# A refusal Biteship documents as final (4xx: bad address, unknown courier…)
# is retried by the scheduler only this late: the shop fixes the delivery
# and sends it again; no request loop meanwhile.
PERMANENT_RETRY = timedelta(days=1)


def courier_service_key(company, service):
    """Biteship's courier company and service codes as a booked delivery
    keeps them (shipment_courier / shipment_service): ("JNE", "REG")."""
    return (company or "").upper(), (service or "").upper()


class DeliveryCarrier(models.Model):
    """Biteship orders: create, adopt, cancel, when to retry. One order per
    delivery is delivery_carrier_tracking's booking guard (send_shipping),
    through the booking hooks below."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def biteship_send_shipping(self, pickings):
        """Create one Biteship order per delivery (those without a live one:
        the booking guard adopted the others)."""
        self.ensure_one()
        # Before any order exists: its price could not be recorded afterwards.
        for company in pickings.company_id:
            self._biteship_check_idr_rate(company)
        return [self._biteship_ship(picking) for picking in pickings]

    def _biteship_ship(self, picking):
        order = self._biteship_create_order(
            picking, self._biteship_order_payload(picking)
        )
        return self.biteship_booking_adopt(picking, order)

    def _biteship_create_order(self, picking, payload):
        """Create the picking's Biteship order from `payload` (orders/create
        body), journaled at once for the booking guard; returns Biteship's
        order (a lost answer's order adopted under its reference)."""
        client = self._biteship_client()
        for attempt in range(1, MAX_REFERENCES + 1):
            payload["reference_id"] = self._biteship_reference(picking, attempt)
            try:
                order = client.create_order(payload)
            except BiteshipRequestError as error:
                if error.code != REFERENCE_USED:
                    raise self._biteship_error(
                        error, self.env._("create the shipment")
                    ) from error
                # An order of ours whose answer was lost (timeout, reset):
                # adopt it. A dead one: the next reference.
                order = self._biteship_used_reference_order(
                    client, picking, payload, error
                )
                if order is None:
                    continue
            except BiteshipError as error:
                raise self._biteship_error(
                    error, self.env._("create the shipment")
                ) from error
            break
        else:
            raise UserError(
                self.env._(
                    "Biteship has %(count)s dead orders for %(picking)s "
                    "(references %(reference)s…): contact Biteship.",
                    count=MAX_REFERENCES,
                    picking=picking.name,
                    reference=self._biteship_reference(picking),
                )
            )
        try:
            order_id = booked_order(order)["id"]
        except ValueError as error:
            raise UserError(
                self.env._(
                    "Biteship answered the booking with something other than "
                    "an order (%s).",
                    error,
                )
            ) from BiteshipBadResponse(str(error))
        # Committed at once, outside this transaction: a rollback or crash
        # after this point makes a retry adopt this order, not create another.
        self._tracking_booking_record(picking, order_id, payload["reference_id"])
        return order

    def biteship_shipment_retry_delay(self, error):
        """Biteship's answer sets when the scheduler tries a failed booking
        again: after its Retry-After (429), or a day later for a refusal
        (4xx); None for the back-off alone."""
        cause = self._biteship_cause(error)
        if not cause:
            return None
        if not cause.transient:
            return PERMANENT_RETRY
        if getattr(cause, "retry_after", None):
            return timedelta(seconds=cause.retry_after)
        return None

    def _biteship_used_reference_order(self, client, picking, payload, error):
        """The live order Biteship holds under the reference it refused
        (40002060 details.order_id), None when that order is dead. Refused
        when it is not this delivery's (same reference from another database
        or company on the account: the reference prefix tells them apart)."""
        order_id = error.details.get("order_id")
        if not order_id:
            raise self._biteship_error(
                error, self.env._("create the shipment")
            ) from error
        try:
            order = client.get_order(order_id)
        except BiteshipError as get_error:
            raise self._biteship_error(
                get_error, self.env._("read order %s", order_id)
            ) from get_error
        if order.get("status") in DEAD_ORDER_STATUSES:
            return None
        courier = order.get("courier") or {}
        destination = order.get("destination") or {}
        same = courier.get("company") in (None, payload["courier_company"]) and str(
            destination.get("postal_code") or payload["destination_postal_code"]
        ) == str(payload["destination_postal_code"])
        if not same:
            raise UserError(
                self.env._(
                    "Biteship reference %(reference)s is already used on this "
                    "Biteship account by order %(order)s, which is not delivery "
                    "%(picking)s (another database or company using the same API "
                    "key?). Give each its own reference prefix on the delivery "
                    "method.",
                    reference=payload["reference_id"],
                    order=order_id,
                    picking=picking.name,
                )
            )
        return order

    def biteship_booking_lookup(self, picking, shipment_id):  # pylint: disable=unused-argument
        """Booking guard hook: the Biteship order, None when it is dead."""
        try:
            order = self._biteship_client().get_order(shipment_id)
        except BiteshipError as error:
            # unknown state: better no shipment yet than a second one
            raise self._biteship_error(
                error, self.env._("read order %s", shipment_id)
            ) from error
        return None if order.get("status") in DEAD_ORDER_STATUSES else order

    def biteship_booking_adopt(self, picking, order):
        """Booking guard hook: take a Biteship order (new or found again) as
        the delivery's shipment; core's send_shipping result for it."""
        booked = booked_order(order)
        picking.write(
            {
                "carrier_shipment_id": booked["id"],
                "biteship_tracking_id": booked["tracking_id"] or False,
                "biteship_tracking_link": booked["link"] or False,
            }
        )
        picking._biteship_apply_courier(order_news(order))
        waybill = booked["waybill"] or False
        if waybill and not picking.carrier_tracking_ref:
            picking.carrier_tracking_ref = picking._tracking_clean_number(waybill)
            self._tracking_attach_labels(picking)
        return {
            "exact_price": self._biteship_to_company_currency(
                booked["price"] or 0.0, picking.company_id
            ),
            "tracking_number": waybill,
        }

    def biteship_booked_courier_service(self, picking):
        """The courier and service Biteship booked (the order's answer), else
        the one this method books for the delivery: one method may book
        several services (rate shopping)."""
        if picking.biteship_courier_company:
            return courier_service_key(
                picking.biteship_courier_company, picking.biteship_courier_type
            )
        return courier_service_key(*self._biteship_courier(picking))

    def biteship_get_tracking_link(self, picking):
        """The method's Tracking Link when the shop set one, else the link
        Biteship gave for the order, else (Biteship often gives none) the
        booked courier's own page from the courier data, else Biteship's
        public page: the customer always gets a link."""
        link = self._tracking_link_value(picking) or picking.biteship_tracking_link
        if link:
            return link
        courier = picking.biteship_courier_company or self.biteship_courier_company
        return self._tracking_link_value(
            picking,
            lambda number: (
                self._tracking_courier_url(courier, number)
                or public_tracking_url(number, picking.biteship_tracking_id)
            ),
        )

    def biteship_cancel_shipment(self, pickings):
        """Cancel the deliveries' Biteship orders (reason code ``others`` with
        the delivery's name). One the courier already has (40002053) raises
        and changes nothing in Odoo."""
        client = self._biteship_client()
        for picking in pickings.filtered("carrier_shipment_id"):
            returning = picking._tracking_is_return()
            # "others" with our own words: orders/delete's reason codes name
            # none of ours (https://biteship.com/id/docs/api/orders/delete)
            reason = (
                self.env._("Cancelled from Odoo return %s", picking.name)
                if returning
                else self.env._("Cancelled from Odoo delivery %s", picking.name)
            )
            try:
                answer = client.cancel_order(
                    picking.carrier_shipment_id, "others", reason
                )
            except BiteshipRequestError as error:
                # Already cancelled (a lost answer, a second click) is success.
                try:
                    order = client.get_order(picking.carrier_shipment_id)
                except BiteshipError:
                    order = {}
                if order.get("status") == "cancelled":
                    answer = order
                elif error.code == NOT_CANCELLABLE and returning:
                    raise UserError(
                        self.env._(
                            "The return pickup %(order)s of %(picking)s can no "
                            "longer be cancelled (status: %(status)s): the "
                            "courier already has the parcel. Nothing was changed "
                            "in Odoo; receive the parcel when it arrives. "
                            "Biteship said: %(error)s",
                            order=picking.carrier_shipment_id,
                            picking=picking.name,
                            status=order.get("status") or "?",
                            error=error.message,
                        )
                    ) from error
                elif error.code == NOT_CANCELLABLE:
                    raise UserError(
                        self.env._(
                            "Biteship order %(order)s of %(picking)s can no longer "
                            "be cancelled (status: %(status)s): only orders not "
                            "yet picked up can. Nothing was changed in Odoo; "
                            "arrange a return with the courier instead. "
                            "Biteship said: %(error)s",
                            order=picking.carrier_shipment_id,
                            picking=picking.name,
                            status=order.get("status") or "?",
                            error=error.message,
                        )
                    ) from error
                else:
                    raise self._biteship_error(
                        error, self.env._("cancel the shipment")
                    ) from error
            except BiteshipError as error:
                raise self._biteship_error(
                    error, self.env._("cancel the shipment")
                ) from error
            cancelled = cancelled_order(answer)
            picking.message_post(
                body=self.env._(
                    "Biteship order %(order)s cancelled (%(reason)s).",
                    order=picking.carrier_shipment_id,
                    reason=cancelled["reason"] or cancelled["status"],
                )
            )
        pickings.write({"carrier_tracking_ref": False, "biteship_tracking_link": False})
