from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cod_remittance_find_orders(self, keys, company):
        """Hook: {key: sale.order} for the keys naming a cash-on-delivery
        order of `company` (a payout file's order columns, the words of a
        bank line's label): the order's name, and of the delivery that
        collects its cash (stock.picking.cod_collect, the COD module's one
        decision) the name, the carrier's shipment id, a parcel's tracking
        number. A delivery that collected nothing (a backorder, a parcel
        returned to sender) names no order.

        Provider bridges add their own references (e.g. the aggregator's
        reference of its order); an override looks up only the keys super()
        did not find."""
        # e.g. delivery_biteship_cod_remittance: Biteship's reference_id
        keys = {key.strip() for key in keys if key and key.strip()}
        if not keys:
            return {}
        Order = self.sudo()
        found = {
            order.name: order
            for order in Order.search(
                [
                    ("name", "in", list(keys)),
                    ("company_id", "=", company.id),
                    ("is_cod", "=", True),
                ]
            )
        }
        rest = keys - set(found)
        if rest:
            pickings = (
                self.env["stock.picking"]
                .sudo()
                .search(
                    [
                        ("cod_collect", "=", True),
                        ("company_id", "=", company.id),
                        "|",
                        "|",
                        ("name", "in", list(rest)),
                        ("carrier_shipment_id", "in", list(rest)),
                        ("parcel_ids.tracking_number", "in", list(rest)),
                    ]
                )
            )
            for picking in pickings:
                for key in [
                    picking.name,
                    picking.carrier_shipment_id,
                    *picking.parcel_ids.mapped("tracking_number"),
                ]:
                    if key in rest:
                        found[key] = picking.sale_id
        return {key: order.with_env(self.env) for key, order in found.items()}
