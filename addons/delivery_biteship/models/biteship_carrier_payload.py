from odoo import api, models
from odoo.exceptions import UserError


class BiteshipCarrierPayload(models.AbstractModel):
    """Biteship request bodies (rates, orders) built from Odoo records; mixed
    into delivery.carrier."""

    _name = "biteship.carrier.payload"
    _description = "Biteship Request Payloads"

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

    def _biteship_items(self, lines):
        """[(product, quantity, unit value)] -> Biteship items (weight in grams).
        Raises a UserError naming every product without a weight."""
        gram = self.env.ref("uom.product_uom_gram")
        weight_uom = self.env[
            "product.template"
        ]._get_weight_uom_id_from_ir_config_parameter()
        missing = [p.display_name for p, _qty, _value in lines if p.weight <= 0]
        if missing:
            raise UserError(
                self.env._(
                    "Biteship needs the weight of every product; missing for: "
                    "%(products)s.",
                    products=", ".join(sorted(set(missing))),
                )
            )
        return [
            {
                "name": product.display_name[:100],
                "value": round(value),
                "quantity": max(1, round(quantity)),
                "weight": max(
                    1, round(weight_uom._compute_quantity(product.weight, gram))
                ),
            }
            for product, quantity, value in lines
        ]

    @api.model
    def _biteship_origin_partner(self, warehouse, company):
        return warehouse.partner_id or company.partner_id

    def _biteship_rate_payload(self, order):
        origin = self._biteship_origin_partner(order.warehouse_id, order.company_id)
        lines = [
            (line.product_id, line.product_uom_qty, line.price_reduce_taxinc)
            for line in order.order_line
            if not line.is_delivery
            and not line.display_type
            and line.product_id.type == "consu"
        ]
        if not lines:
            raise UserError(self.env._("The order has no goods to ship."))
        return {
            "origin_postal_code": self._biteship_postal_code(
                origin, self.env._("origin")
            ),
            "destination_postal_code": self._biteship_postal_code(
                order.partner_shipping_id, self.env._("delivery")
            ),
            "couriers": self.biteship_courier_company,
            "items": self._biteship_items(lines),
        }

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

    def _biteship_order_payload(self, picking):
        picking._tracking_check_shipping_data()
        company = picking.company_id
        origin = self._biteship_origin_partner(
            picking.picking_type_id.warehouse_id, company
        )
        origin_phone = origin.phone or origin.mobile or company.phone
        missing = [
            label
            for label, value in (
                (self.env._("street"), origin.street),
                (self.env._("phone"), origin_phone),
            )
            if not value
        ]
        if missing:
            raise UserError(
                self.env._(
                    "The warehouse address %(partner)s is missing %(fields)s, which "
                    "Biteship needs for the pickup.",
                    partner=origin.display_name,
                    fields=", ".join(missing),
                )
            )
        dest = picking.partner_id
        by_product = {}
        for move in picking.move_ids.filtered(
            lambda m: m.state != "cancel" and m.product_id.type == "consu"
        ):
            qty = move.quantity or move.product_uom_qty
            price = move.sale_line_id.price_reduce_taxinc or move.product_id.lst_price
            product_qty, value = by_product.get(move.product_id, (0.0, price))
            by_product[move.product_id] = (product_qty + qty, value)
        return {
            "shipper_contact_name": company.name,
            "shipper_contact_phone": company.phone or origin_phone,
            "shipper_contact_email": company.email or "",
            "shipper_organization": company.name,
            "origin_contact_name": origin.name or company.name,
            "origin_contact_phone": origin_phone,
            "origin_address": self._biteship_address(origin),
            "origin_postal_code": self._biteship_postal_code(
                origin, self.env._("origin")
            ),
            "destination_contact_name": dest.name,
            "destination_contact_phone": dest.phone or dest.mobile,
            "destination_contact_email": dest.email or "",
            "destination_address": self._biteship_address(dest),
            "destination_postal_code": self._biteship_postal_code(
                dest, self.env._("delivery")
            ),
            "courier_company": self.biteship_courier_company,
            "courier_type": self.biteship_courier_type,
            "delivery_type": "now",
            "reference_id": picking.name,
            "items": self._biteship_items(
                [(p, qty, value) for p, (qty, value) in by_product.items()]
            ),
        }
