import math
import re
import time

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import UserError

from ..kiriminaja import KiriminAjaError, KiriminAjaRequestError
from ..kiriminaja.tracking import (
    DEAD_STATUS_CODES,
    instant_tracking_news,
    tracking_news,
)
from .delivery_carrier_rates import _cod_fee

# KiriminAja's package order_id: at most 20 characters with a letter prefix
# (/docs/order/express); ours: prefix, delivery id, attempt.
ORDER_PREFIX = "ODO"
ORDER_ID_MAX = 20


def _phone(number):
    """A phone number as KiriminAja takes it: digits only, 08... or 62...
    (9 to 13 digits), or False."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("0") and not digits.startswith("08"):
        return False
    if digits.startswith("8"):
        digits = "0" + digits
    if not digits.startswith(("08", "62")) or not 9 <= len(digits) <= 13:
        return False
    return digits


class DeliveryCarrier(models.Model):
    """KiriminAja orders (request_pickup): one per delivery through the
    booking guard of delivery_carrier_tracking. KiriminAja knows a package by
    the order_id we give it, so that id is journaled before the request: a
    retry after a lost answer looks it up (tracking) and adopts the package
    instead of booking a second one."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def kiriminaja_send_shipping(self, pickings):
        """Book one KiriminAja package per delivery (those the booking guard
        did not adopt)."""
        self.ensure_one()
        for company in pickings.company_id:
            self._kiriminaja_check_idr(company)
        return [self._kiriminaja_ship(picking) for picking in pickings]

    def _kiriminaja_ship(self, picking):
        client = self._kiriminaja_client()
        if self._kiriminaja_instant():
            payload, rupiah = self._kiriminaja_instant_payload(picking, client)
            book = client.instant_pickup
        else:
            payload = self._kiriminaja_pickup_payload(picking, client)
            rupiah = payload["packages"][0]["shipping_cost"]
            book = client.request_pickup
        order_id = payload["packages"][0]["order_id"]
        # Journaled before the call: a lost answer leaves the id to look up.
        self._tracking_booking_record(picking, order_id, order_id)
        # kept by the guard's failure path when the answer is lost
        picking.carrier_shipment_id = order_id
        try:
            answer = book(payload)
        except KiriminAjaError as error:
            if isinstance(error, KiriminAjaRequestError):
                # refused: KiriminAja has no package of that id
                self.env["delivery.carrier.booking"]._mark_dead(self, picking, order_id)
                picking.carrier_shipment_id = False
            raise UserError(
                self.env._(
                    "KiriminAja could not book delivery %(picking)s: %(error)s",
                    picking=picking.name,
                    error=error,
                )
            ) from error
        if self._kiriminaja_instant():
            # /docs/instant/pickup: the payment is the answer's own object
            payment = answer.get("payment") or {}
            answer = {
                "payment_status": payment.get("status_code"),
                "pickup_number": payment.get("payment_id"),
            }
        self._kiriminaja_note_payment(picking, answer)
        return {
            "exact_price": self._kiriminaja_to_company(rupiah, picking.company_id),
            # the AWB comes later (processed_packages, tracking)
            "tracking_number": False,
        }

    def _kiriminaja_note_payment(self, picking, answer):
        """An account without Term of Payment pays each non-COD pickup (QRIS,
        /docs/payment) before KiriminAja asks the courier for the AWB
        (/docs/order/express, the flow's "Confirm Payment"): a booking whose
        payment_status is not paid waits for someone to pay it. The answer's
        values are not documented (assumption): absent or a paid-like word
        is paid, anything else (e.g. "pending") waits."""
        status = answer.get("payment_status")
        if not status or str(status).lower() in ("paid", "success", "settled"):
            return
        text = self.env._(
            "KiriminAja waits for the payment of pickup %(pickup)s (payment "
            "status: %(status)s) before the courier gets the package: pay it "
            "in KiriminAja's dashboard; the AWB follows.",
            pickup=answer.get("pickup_number") or "",
            status=status,
        )
        picking._tracking_warn_once(
            lambda env: env._("Pay the KiriminAja pickup"), text, message=text
        )

    def _kiriminaja_booked_service(self, picking):
        """(courier, service_type) to book: the one its order ships with."""
        return self._kiriminaja_order_service(picking.sale_id)

    def _kiriminaja_order_service(self, order):
        """(courier, service_type) the order ships with: the service the
        customer chose at checkout (recorded on the order when this method
        shops rates), else the method's own."""
        code = (
            order.kiriminaja_service_code
            if self.checkout_rate_shopping and order.carrier_id == self
            else False
        )
        if code and ":" in code:
            courier, service_type = code.split(":", 1)
        else:
            courier, service_type = self.kiriminaja_courier, self.kiriminaja_service
        return (courier or "").lower(), (service_type or "").upper()

    def kiriminaja_booked_courier_service(self, picking):
        """The courier and service booked (the contract stores them once for
        the reports): "JNE", "REG23"."""
        courier, service_type = self._kiriminaja_booked_service(picking)
        return courier.upper(), service_type

    def _kiriminaja_order_prefix(self):
        """ODO and a part of this database's uuid: a staging copy or another
        database sharing the API key never adopts this one's packages."""
        dbuuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return ORDER_PREFIX + re.sub(r"[^0-9A-Za-z]", "", dbuuid)[:4].upper()

    def _kiriminaja_order_id(self, picking):
        """This delivery's next order_id: one more than the ids journaled
        for it (all dead, or the guard would have adopted one)."""
        # a fresh transaction sees the rows journaled by concurrent ones
        with self.env.registry.cursor() as cr:
            attempts = api.Environment(cr, SUPERUSER_ID, {})[
                "delivery.carrier.booking"
            ].search_count(
                [("picking_ref", "=", picking.id), ("carrier_ref", "=", self.id)]
            )
        order_id = f"{self._kiriminaja_order_prefix()}{picking.id}-{attempts + 1}"
        return order_id[:ORDER_ID_MAX]

    def _kiriminaja_contacts(self, picking, express=True):
        """The delivery's sender (the warehouse's contact) and recipient, with
        their phones and addresses as KiriminAja takes them: (warehouse,
        recipient, sender_phone, recipient_phone, sender_address,
        recipient_address). A UserError names what is missing (instant: the
        addresses are checked with the map positions, _kiriminaja_place)."""
        warehouse = picking.picking_type_id.warehouse_id.partner_id or (
            picking.company_id.partner_id
        )
        recipient = picking.partner_id
        problems = []
        sender_phone = _phone(warehouse.phone or warehouse.mobile)
        if not sender_phone:
            problems.append(self.env._("the warehouse phone (08... or 62...)"))
        recipient_phone = _phone(recipient.phone or recipient.mobile)
        if not recipient_phone:
            problems.append(self.env._("the recipient's phone (08... or 62...)"))
        sender_address = self._kiriminaja_address(warehouse)
        recipient_address = self._kiriminaja_address(recipient)
        if express:
            # /docs/order/express: addresses of 10 to 200 characters
            if len(sender_address) < 10:
                problems.append(self.env._("the warehouse address (10 characters)"))
            if len(recipient_address) < 10:
                problems.append(self.env._("the recipient's address (10 characters)"))
        if problems:
            raise UserError(
                self.env._(
                    "Delivery %(picking)s cannot be booked with KiriminAja: "
                    "check %(problems)s.",
                    picking=picking.name,
                    problems=", ".join(problems),
                )
            )
        return (
            warehouse,
            recipient,
            sender_phone,
            recipient_phone,
            sender_address,
            recipient_address,
        )

    def _kiriminaja_parcel(self, picking):
        """(grams, item value in whole rupiah) of the delivery's parcel."""
        grams = max(1, math.ceil((picking.shipping_weight or picking.weight) * 1000))
        item_value = round(
            self._kiriminaja_convert(
                sum(
                    (move.sale_line_id.price_unit or move.product_id.lst_price)
                    * move.quantity
                    for move in picking.move_ids
                ),
                picking.company_id.currency_id,
                self.env.ref("base.IDR"),
                picking.company_id,
            )
        )
        return grams, item_value

    def _kiriminaja_item_name(self, picking):
        return (
            ", ".join(picking.move_ids.product_id.mapped("name"))[:255] or picking.name
        )

    def _kiriminaja_pickup_payload(self, picking, client):
        """request_pickup's body for the delivery (/docs/order/express),
        checked before the call: a UserError names what is missing."""
        (
            warehouse,
            recipient,
            sender_phone,
            recipient_phone,
            sender_address,
            recipient_address,
        ) = self._kiriminaja_contacts(picking)
        origin = warehouse._kiriminaja_district(self)
        destination = recipient._kiriminaja_district(self)
        courier, service_type = self._kiriminaja_booked_service(picking)
        grams, item_value = self._kiriminaja_parcel(picking)
        prices, schedule = self._kiriminaja_booking_ask(
            picking,
            lambda: (
                client.shipping_price(
                    {
                        "origin": origin,
                        "destination": destination,
                        "weight": grams,
                        "item_value": item_value,
                        "insurance": 1 if self.kiriminaja_insurance else 0,
                        "courier": [courier],
                    }
                ),
                self._kiriminaja_schedule(client),
            ),
        )
        service = next(
            (
                p
                for p in prices
                if str(p.get("service", "")).lower() == courier
                and str(p.get("service_type", "")).upper() == service_type
            ),
            None,
        )
        if not service:
            raise self._kiriminaja_no_service(picking, courier, service_type)
        cod = self._kiriminaja_cod_amount(picking)
        if cod and not service.get("cod"):
            # refused here rather than by KiriminAja: nothing journaled
            courier_service = f"{courier} {service_type}".upper()
            raise UserError(
                self.env._(
                    "%(service)s does not collect cash on delivery: delivery "
                    "%(picking)s cannot be booked with its amount to collect. "
                    "Choose a service that does.",
                    service=courier_service,
                    picking=picking.name,
                )
            )
        package = {
            "order_id": self._kiriminaja_order_id(picking),
            "destination_name": (recipient.name or "")[:50],
            "destination_phone": recipient_phone,
            "destination_address": recipient_address,
            "destination_kecamatan_id": destination,
            "weight": grams,
            # KiriminAja wants sizes (cm, at least 1); Odoo has no parcel
            # size here: the smallest, the weight decides the price
            "width": 1,
            "length": 1,
            "height": 1,
            "qty": max(1, round(sum(picking.move_ids.mapped("quantity")))),
            "item_value": item_value,
            "shipping_cost": round(float(service.get("cost") or 0)),
            "service": courier,
            "service_type": service_type,
            "cod": cod,
            "package_type_id": 1,  # the only type documented ("sementara 1")
            "item_name": self._kiriminaja_item_name(picking),
        }
        if self.kiriminaja_insurance:
            package["insurance_amount"] = float(service.get("insurance") or 0)
        if cod:
            # /docs/order/insurance-cod-nb: add_cost is KiriminAja's COD fee
            # on the package's total, the fee its rates quoted the customer
            package["add_cost"] = round(
                _cod_fee(
                    service.get("setting") or {},
                    item_value
                    + package["shipping_cost"]
                    + package.get("insurance_amount", 0),
                )
            )
        return {
            "address": sender_address,
            "phone": sender_phone,
            "name": (warehouse.name or "")[:50],
            "kecamatan_id": origin,
            "zipcode": (warehouse.zip or "").strip()[:5] or None,
            "schedule": schedule,
            "packages": [package],
        }

    def _kiriminaja_booking_ask(self, picking, ask):
        """ask() KiriminAja what booking the delivery needs (its prices):
        a UserError naming the delivery when KiriminAja cannot answer."""
        try:
            return ask()
        except KiriminAjaError as error:
            raise UserError(
                self.env._(
                    "KiriminAja could not price delivery %(picking)s: %(error)s",
                    picking=picking.name,
                    error=error,
                )
            ) from error

    def _kiriminaja_no_service(self, picking, courier, service_type):
        # not an f-string inside _(): Odoo's term extraction (babel)
        # evaluates it, fails and skips the rest of the file
        courier_service = f"{courier} {service_type}"
        return UserError(
            self.env._(
                "%(service)s does not deliver delivery %(picking)s to its address.",
                service=courier_service,
                picking=picking.name,
            )
        )

    def _kiriminaja_instant_payload(self, picking, client):
        """Instant pickup's body for the delivery (/docs/instant/pickup) and
        the rupiah the shop pays for it (shipping and admin fee), priced
        again as express bookings are. Checked before any call: a UserError
        names what is missing (a contact's map position, a phone...)."""
        (
            warehouse,
            recipient,
            sender_phone,
            recipient_phone,
            _sender_address,
            _recipient_address,
        ) = self._kiriminaja_contacts(picking, express=False)
        if self._kiriminaja_cod_amount(picking):
            # /docs/instant/service-list: instant deliveries take no COD
            raise UserError(
                self.env._(
                    "Delivery %(picking)s has an amount to collect, but "
                    "KiriminAja's instant couriers do not collect cash on "
                    "delivery: ship it with an express method.",
                    picking=picking.name,
                )
            )
        grams, item_value = self._kiriminaja_parcel(picking)
        # the map positions: a UserError naming the contact before any call
        request = self._kiriminaja_instant_price_payload(
            warehouse, recipient, grams, item_value
        )
        courier, service_type = self._kiriminaja_booked_service(picking)
        services = self._kiriminaja_instant_services(
            self._kiriminaja_booking_ask(
                picking, lambda: client.instant_pricing(request)
            )
        )
        code = self._kiriminaja_code(courier, service_type)
        service = next((s for s in services if s["code"] == code), None)
        if not service:
            raise self._kiriminaja_no_service(picking, courier, service_type)
        origin, destination = request["origin"], request["destination"]
        package = {
            "order_id": self._kiriminaja_order_id(picking),
            "origin_name": (warehouse.name or "")[:50],
            "origin_phone": sender_phone,
            "origin_lat": origin["lat"],
            "origin_long": origin["long"],
            "origin_address": origin["address"],
            # required; Odoo has no landmark field: the second street line
            "origin_address_note": (warehouse.street2 or "").strip() or "-",
            "destination_name": (recipient.name or "")[:50],
            "destination_phone": recipient_phone,
            "destination_lat": destination["lat"],
            "destination_long": destination["long"],
            "destination_address": destination["address"],
            "destination_address_note": (recipient.street2 or "").strip() or "-",
            "shipping_price": round(service["shipping_cost"]),
            "item": {
                "name": self._kiriminaja_item_name(picking),
                "description": picking.name,
                "price": item_value,
                "weight_kg": max(1, math.ceil(grams / 1000)),
            },
        }
        payload = {
            "service": courier,
            # the pricing answer's own word ("instant", "sameday")
            "service_type": service_type.lower(),
            "vehicle": self.kiriminaja_vehicle,
            "order_prefix": self._kiriminaja_order_prefix(),
            "packages": [package],
        }
        return payload, service["price"]

    def _kiriminaja_cod_amount(self, picking):  # pylint: disable=unused-argument
        """The whole rupiah the courier collects with the delivery's package
        (request_pickup's ``cod``, /docs/order/express: 0 for a non-COD
        package); cash on delivery comes with its bridge module."""
        return 0

    @staticmethod
    def _kiriminaja_address(partner):
        parts = (partner.street, partner.street2, partner.city, partner.zip)
        return ", ".join(p.strip() for p in parts if p and p.strip())[:200]

    @staticmethod
    def _kiriminaja_open_schedules(client):
        """The pickup windows KiriminAja offers that are neither a holiday
        (libur) nor expired (/docs/express/schedule), in its order."""
        now = time.time()
        return [
            window
            for window in client.schedules()
            if not window.get("libur")
            and not (isinstance(window.get("expired"), int) and window["expired"] < now)
        ]

    def _kiriminaja_schedule(self, client):
        """The first open pickup window: the booking's schedule."""
        for window in self._kiriminaja_open_schedules(client):
            return str(window.get("clock"))
        raise UserError(
            self.env._("KiriminAja offers no pickup window now: try again later.")
        )

    def _kiriminaja_to_company(self, rupiah, company):
        return self._kiriminaja_convert(
            rupiah, self.env.ref("base.IDR"), company.currency_id, company
        )

    def kiriminaja_booking_lookup(self, picking, shipment_id):  # pylint: disable=unused-argument
        """Booking guard hook: KiriminAja's package of our order_id, None when
        it has none or it was cancelled (a re-sent delivery books anew)."""
        try:
            answer = self._kiriminaja_fetch(self._kiriminaja_client(), shipment_id)
        except KiriminAjaError as error:
            # unknown state: better no shipment yet than a second one
            raise UserError(
                self.env._(
                    "KiriminAja could not say whether order %(order)s exists: "
                    "%(error)s",
                    order=shipment_id,
                    error=error,
                )
            ) from error
        if (
            answer is not None
            and self._kiriminaja_news(answer)["latest"] in DEAD_STATUS_CODES
        ):
            return None
        return answer

    def kiriminaja_booking_adopt(self, picking, shipment):
        """Booking guard hook: take a package found again as the delivery's
        shipment, with its AWB once KiriminAja gave one."""
        news = self._kiriminaja_news(shipment)
        picking.carrier_shipment_id = news["order_id"]
        awb = news["awb"] or False
        if awb and not picking.carrier_tracking_ref:
            picking.carrier_tracking_ref = picking._tracking_clean_number(awb)
        return {
            "exact_price": self._kiriminaja_to_company(
                float(news["shipping_cost"] or 0), picking.company_id
            ),
            "tracking_number": awb,
        }

    def _kiriminaja_fetch(self, client, key):
        """The tracking answer of a package (express: /docs/order/tracking,
        by order id or AWB; instant: /docs/instant/tracking, by order id),
        None when KiriminAja has none; _kiriminaja_news reads it."""
        if self._kiriminaja_instant():
            return client.instant_tracking(key)
        return client.tracking(key)

    def _kiriminaja_news(self, answer):
        """A tracking answer of this method's kind in tracking.py's words."""
        if self._kiriminaja_instant():
            return instant_tracking_news(answer)
        return tracking_news(answer)

    def kiriminaja_get_tracking_link(self, picking):
        """The method's Tracking Link when the shop set one, else the instant
        courier's live map once a driver has the parcel, else the booked
        courier's own page (KiriminAja documents no public page)."""
        return (
            self._tracking_link_value(picking)
            or picking.kiriminaja_live_url
            or self._tracking_link_value(
                picking,
                lambda number: self._tracking_courier_url(
                    self.kiriminaja_courier, number
                ),
            )
        )

    def kiriminaja_cancel_shipment(self, pickings):
        """Void the deliveries' KiriminAja packages: express ones by AWB
        (/docs/order/void, with a reason of 5 to 200 characters, only before
        the courier picked the parcel up), instant ones by our order id
        (/docs/instant/void). The reason: the context's
        ``shipment_cancel_reason``, else the delivery's name. Everything is
        checked before KiriminAja is asked; a refusal raises with
        KiriminAja's words and changes nothing."""
        client = self._kiriminaja_client()
        instant = self._kiriminaja_instant()
        requests = []
        # core's stock.picking.cancel_shipment passes all its pickings once
        # per picking: those cancelled by the first pass are not asked twice
        for picking in pickings.filtered(lambda p: p.shipment_state != "cancelled"):
            reason = (
                self.env.context.get("shipment_cancel_reason")
                or self.env._("Cancelled from Odoo delivery %s", picking.name)
            ).strip()
            if instant:
                # /docs/instant/void takes no reason: it is only noted here
                if not picking.carrier_shipment_id:
                    raise UserError(
                        self.env._(
                            "Delivery %(picking)s has no KiriminAja order to cancel.",
                            picking=picking.name,
                        )
                    )
                requests.append((picking, picking.carrier_shipment_id, reason))
                continue
            if not 5 <= len(reason) <= 200:
                raise UserError(
                    self.env._(
                        "The reason to cancel %(picking)s must be 5 to 200 "
                        "characters long.",
                        picking=picking.name,
                    )
                )
            awb = next(iter(picking._tracking_numbers()), "")
            if not awb:
                raise UserError(
                    self.env._(
                        "KiriminAja cancels a package by its AWB, which it has "
                        "not given yet for %(picking)s (order %(order)s): try "
                        "again once the AWB has arrived.",
                        picking=picking.name,
                        order=picking.carrier_shipment_id or "",
                    )
                )
            requests.append((picking, awb, reason))
        for picking, key, reason in requests:
            try:
                if instant:
                    answer = client.instant_void(key)
                else:
                    answer = client.cancel_shipment(key, reason)
            except KiriminAjaError as error:
                if instant:
                    message = self.env._(
                        "KiriminAja did not cancel instant order %(order)s of "
                        "%(picking)s; nothing was changed in Odoo. KiriminAja "
                        "said: %(error)s",
                        order=key,
                        picking=picking.name,
                        error=error,
                    )
                else:
                    message = self.env._(
                        "KiriminAja did not cancel package %(awb)s of %(picking)s "
                        "(only packages not yet picked up by the courier can "
                        "be); nothing was changed in Odoo. KiriminAja said: "
                        "%(error)s",
                        awb=key,
                        picking=picking.name,
                        error=error,
                    )
                raise UserError(message) from error
            if picking.carrier_shipment_id:
                # a re-sent delivery books a new package, not this one
                self.env["delivery.carrier.booking"]._mark_dead(
                    self, picking, picking.carrier_shipment_id
                )
            picking.shipment_state = "cancelled"
            if instant:
                picking.message_post(
                    body=self.env._(
                        "KiriminAja cancelled instant order %(order)s (%(reason)s).",
                        order=key,
                        reason=reason,
                    )
                )
                continue
            picking.message_post(
                body=self.env._(
                    "KiriminAja cancels package %(awb)s (%(reason)s): "
                    "%(status)s, %(date)s.",
                    awb=key,
                    reason=reason,
                    status=answer.get("success") or "",
                    date=answer.get("date") or "",
                )
            )
