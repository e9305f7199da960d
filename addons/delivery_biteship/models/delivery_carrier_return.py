from odoo import api, fields, models
from odoo.exceptions import UserError

from ..biteship import BiteshipError
from ..biteship.answers import rate_services


class DeliveryCarrier(models.Model):
    """Return labels (core's contract: can_generate_return,
    <delivery_type>_get_return_label) as Biteship orders the other way: from
    the customer (pickup location) to the warehouse. orders/create has no
    endpoint of its own for returns; a return is an order whose origin is the
    customer (https://biteship.com/id/docs/api/orders/create)."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    biteship_return_collection_method = fields.Selection(
        [
            ("pickup", "Courier Picks Up at the Customer"),
            ("drop_off", "Customer Drops Off at the Courier"),
        ],
        "Returns Leave By",
        default="pickup",
        help="How the customer hands a return over, when the courier service "
        "offers it for the customer's address (Biteship's "
        "available_collection_method); else the way it offers.",
    )

    @api.depends("delivery_type")
    def _compute_can_generate_return(self):
        res = super()._compute_can_generate_return()
        for carrier in self:
            if carrier.delivery_type == "biteship":
                carrier.can_generate_return = True
        return res

    def _tracking_return_label_on_delivery_refusal(self):
        """Not offered (the form hides it): a Biteship return label is a
        reverse order, a pickup booked, carried out and billed by the
        courier; one per delivery would book a return for every parcel."""
        if self.delivery_type == "biteship":
            return self.env._(
                "a Biteship return label is a return order the courier picks up "
                "and bills, booked when a return is approved, never in advance"
            )
        return super()._tracking_return_label_on_delivery_refusal()

    def biteship_get_return_label(
        self,
        pickings,
        tracking_number=None,  # pylint: disable=unused-argument
        origin_date=None,  # pylint: disable=unused-argument
    ):
        """One Biteship order per return receipt, from the customer to its
        warehouse, never with cash on delivery, through the booking guard: a
        lost answer, a second click or a retry adopts the order Biteship
        already has. Its waybill is the receipt's tracking number and its
        return label our label the other way (when Biteship gives the
        waybill later, the label follows it). Returns the return labels."""
        self.ensure_one()
        pickings._tracking_check_return_label()
        for company in pickings.company_id:
            self._biteship_check_idr_rate(company)
        self._tracking_book_once(
            pickings,
            lambda todo: [self._biteship_book_return(picking) for picking in todo],
            self._biteship_return_adopt,
        )
        return pickings.tracking_label_ids

    def _biteship_book_return(self, picking):
        order = self._biteship_create_order(
            picking, self._biteship_return_payload(picking)
        )
        return self._biteship_return_adopt(picking, order)

    def _biteship_return_adopt(self, picking, order):
        """The return receipt's Biteship order (new or found again): ids,
        waybill, label as a delivery's, and its shipment tracked from now."""
        result = self.biteship_booking_adopt(picking, order)
        if not picking.shipment_state:
            picking._tracking_shipment_created()
        return result

    def _biteship_return_payload(self, picking):
        """orders/create body of a return: the customer's address, contact,
        postal code and coordinates (as for a delivery's destination) as the
        pickup location, the warehouse as the destination, the returned goods
        as items; no cash on delivery, ever (the shop pays the return)."""
        picking._tracking_check_shipping_data()
        shop, shop_phone = self._biteship_shop_partner(picking)
        customer = picking.partner_id
        courier = self._biteship_courier(picking)
        body = self._biteship_order_body(
            picking,
            (customer, customer.phone or customer.mobile, self.env._("return")),
            (shop, shop_phone, self.env._("warehouse")),
            courier,
            "pickup",
        )
        body["origin_contact_email"] = customer.email or ""
        body["origin_collection_method"] = self._biteship_return_collection(
            body, *courier
        )
        return body

    def _biteship_return_collection(self, body, company, service):
        """origin_collection_method of a return: the method's choice
        (biteship_return_collection_method) when the courier service offers
        it for this pickup address, else the way it offers, as Biteship's
        rates for the same route say (answers.rate_services). Raises a
        UserError when the service does not serve the route."""
        rates = {
            "origin_postal_code": body["origin_postal_code"],
            "destination_postal_code": body["destination_postal_code"],
            "couriers": company,
            "items": body["items"],
        }
        for side in ("origin", "destination"):
            point = body.get(f"{side}_coordinate")
            if point:
                rates[f"{side}_latitude"] = point["latitude"]
                rates[f"{side}_longitude"] = point["longitude"]
        try:
            answer = self._biteship_client().get_rates(rates)
        except BiteshipError as error:
            raise self._biteship_error(error, self.env._("price the return")) from error
        key = f"{company}:{service}"
        offered = next((s for s in rate_services(answer) if s["key"] == key), None)
        if not offered or not offered["collection_methods"]:
            # outside the call: babel's export skips a call with an f-string
            label = f"{company} {service}".upper()
            raise UserError(
                self.env._(
                    "%(service)s does not collect returns from this customer's "
                    "address (Biteship offers no such service for the route).",
                    service=label,
                )
            )
        methods = offered["collection_methods"]
        wanted = self.biteship_return_collection_method or "pickup"
        return wanted if wanted in methods else methods[0]
