from odoo import api, models
from odoo.exceptions import UserError

from ..biteship.couriers import INSTANT_COURIERS


class DeliveryCarrier(models.Model):
    """Biteship request bodies (rates, orders) built from Odoo records."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _biteship_postal_code(self, partner, role):
        code = (partner.zip or "").strip()
        if not code.isdigit():
            raise UserError(
                self.env._(
                    "The %(role)s address (%(partner)s) needs a numeric postal code "
                    "for Biteship, got %(zip)r.",
                    role=role,
                    partner=partner.display_name,
                    zip=code,
                )
            )
        return int(code)

    def _biteship_grams(self, weight):
        """A weight in the database's weight unit -> grams (Biteship's unit)."""
        weight_uom = self.env[
            "product.template"
        ]._get_weight_uom_id_from_ir_config_parameter()
        return weight_uom._compute_quantity(
            weight, self.env.ref("uom.product_uom_gram")
        )

    @api.model
    def _biteship_to_idr(self, amount, currency, company):
        """An amount in `currency` -> whole rupiah, Biteship's only currency
        for item values, insurance and COD (orders/create), with the
        company's rates. Refused when a rate is missing: Odoo would convert
        1:1 (a USD 20 shirt declared as IDR 20)."""
        return round(
            self._tracking_convert(amount, currency, self.env.ref("base.IDR"), company)
        )

    def _biteship_items(
        self, commodities, total_weight=None, currency=None, company=None
    ):
        """Core's DeliveryCommodity list -> Biteship items (unit weight in
        grams, unit value in rupiah from `currency`, quantity in the
        product's unit as core counts it). With `total_weight` (a package's,
        in the database's weight unit, box and packing included), the
        products' weights are scaled to it: Biteship prices the sum of its
        items' weights.
        Raises a UserError naming every product without a weight."""
        company = company or self.env.company
        currency = currency or company.currency_id
        missing = [
            c.product_id.display_name for c in commodities if c.product_id.weight <= 0
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Biteship needs the weight of every product; missing for: "
                    "%(products)s.",
                    products=", ".join(sorted(set(missing))),
                )
            )
        grams = [self._biteship_grams(c.product_id.weight) for c in commodities]
        scale = 1.0
        if total_weight and commodities:
            scale = self._biteship_grams(total_weight) / sum(
                unit * c.qty for unit, c in zip(grams, commodities, strict=True)
            )
        return [
            {
                "name": commodity.product_id.display_name[:100],
                "value": self._biteship_to_idr(
                    commodity.monetary_value, currency, company
                ),
                "quantity": int(commodity.qty),
                "weight": max(1, round(unit * scale)),
            }
            for unit, commodity in zip(grams, commodities, strict=True)
        ]

    @api.model
    def _biteship_origin_partner(self, warehouse, company):
        return warehouse.partner_id or company.partner_id

    def _biteship_rate_payload(self, order):
        origin = self._biteship_origin_partner(order.warehouse_id, order.company_id)
        commodities = self._get_commodities_from_order(order)
        if not commodities:
            raise UserError(self.env._("The order has no goods to ship."))
        # every courier of the method in one request, coordinates when known
        companies, coordinates = self._biteship_rate_couriers(order)
        return {
            "origin_postal_code": self._biteship_postal_code(
                origin, self.env._("origin")
            ),
            "destination_postal_code": self._biteship_postal_code(
                order.partner_shipping_id, self.env._("delivery")
            ),
            **coordinates,
            "couriers": ",".join(companies),
            "items": self._biteship_items(
                commodities, currency=order.currency_id, company=order.company_id
            ),
        }

    def _biteship_shipping_coordinates(self, origin, dest, courier_company):
        """origin_coordinate / destination_coordinate of an order body when
        both are known; an instant courier cannot go without them ("If you use
        an instant courier, you must use coordinate", orders/create)."""
        points = {
            "origin_coordinate": self._biteship_coordinate(origin),
            "destination_coordinate": self._biteship_coordinate(dest),
        }
        if all(points.values()):
            return {
                key: {"latitude": lat, "longitude": lng}
                for key, (lat, lng) in points.items()
            }
        if courier_company in INSTANT_COURIERS:
            missing = origin if not points["origin_coordinate"] else dest
            raise UserError(
                self.env._(
                    "%(courier)s is an instant courier: it needs the latitude and "
                    "longitude of %(partner)s (and of the warehouse) to pick up "
                    "and deliver.",
                    courier=courier_company,
                    partner=missing.display_name,
                )
            )
        return {}

    @api.model
    def _biteship_address(self, partner):
        return ", ".join(
            part
            for part in (
                partner.street,
                partner.street2,
                partner.city,
                partner.state_id.name,
                partner.zip,
            )
            if part
        )

    def _biteship_shop_partner(self, picking):
        """(partner, phone) of the shop's end of a picking's Biteship order:
        its warehouse's address. Raises a UserError naming what Biteship
        needs and the address lacks."""
        company = picking.company_id
        shop = self._biteship_origin_partner(
            picking.picking_type_id.warehouse_id, company
        )
        phone = shop.phone or shop.mobile or company.phone
        missing = [
            label
            for label, value in (
                (self.env._("street"), shop.street),
                (self.env._("phone"), phone),
            )
            if not value
        ]
        if missing:
            raise UserError(
                self.env._(
                    "The warehouse address %(partner)s is missing %(fields)s, which "
                    "Biteship needs for the pickup.",
                    partner=shop.display_name,
                    fields=", ".join(missing),
                )
            )
        return shop, phone

    def _biteship_order_payload(self, picking):
        """orders/create body of a delivery: from the warehouse to the
        customer, collected the way the warehouse hands parcels over."""
        picking._tracking_check_shipping_data()
        shop, shop_phone = self._biteship_shop_partner(picking)
        dest = picking.partner_id
        return self._biteship_order_body(
            picking,
            (shop, shop_phone, self.env._("origin")),
            (dest, dest.phone or dest.mobile, self.env._("delivery")),
            self._biteship_courier(picking),
            self._biteship_collection_method(picking.picking_type_id.warehouse_id),
        )

    def _biteship_order_body(self, picking, origin, destination, courier, collection):
        """orders/create body of a picking's parcel between two addresses.

        :param origin: (partner, phone, role) of the pickup location, the
            role naming it in errors
        :param destination: (partner, phone, role) of the destination
        :param courier: (courier company, service)
        :param collection: origin_collection_method (pickup, drop_off)
        """
        company = picking.company_id
        (origin, origin_phone, origin_role), (dest, dest_phone, dest_role) = (
            origin,
            destination,
        )
        courier_company, courier_type = courier
        coordinates = self._biteship_shipping_coordinates(origin, dest, courier_company)
        # core's packages (one per package, plus the unpacked goods), each
        # with its weight and the products in it
        packages = self._get_packages_from_picking(
            picking, self.env["stock.package.type"]
        )
        # core's values are the sale line's prices (the order's currency)
        currency = picking.sale_id.currency_id or company.currency_id
        items = [
            item
            for package in packages
            for item in self._biteship_items(
                package.commodities, package.weight, currency, company
            )
        ]
        insurance = {}
        if self.biteship_insurance:
            insurance["courier_insurance"] = sum(
                item["value"] * item["quantity"] for item in items
            )
        return {
            "shipper_contact_name": company.name,
            "shipper_contact_phone": company.phone or origin_phone,
            "shipper_contact_email": company.email or "",
            "shipper_organization": company.name,
            "origin_contact_name": origin.name or company.name,
            "origin_contact_phone": origin_phone,
            "origin_address": self._biteship_address(origin),
            "origin_postal_code": self._biteship_postal_code(origin, origin_role),
            "destination_contact_name": dest.name,
            "destination_contact_phone": dest_phone,
            "destination_contact_email": dest.email or "",
            "destination_address": self._biteship_address(dest),
            "destination_postal_code": self._biteship_postal_code(dest, dest_role),
            **coordinates,
            "origin_collection_method": collection,
            "courier_company": courier_company,
            "courier_type": courier_type,
            "delivery_type": "now",
            "reference_id": self._biteship_reference(picking),
            **insurance,
            "items": items,
        }

    def _biteship_reference(self, picking, attempt=1):
        """reference_id of a delivery's `attempt`-th Biteship order: unique
        per Biteship account (orders/create), so the method's prefix keeps
        several databases or companies on one account apart, and a delivery
        re-sent after its order died gets "-2", "-3"..."""
        reference = f"{self.biteship_reference_prefix or ''}{picking.name}"
        return reference if attempt == 1 else f"{reference}-{attempt}"
