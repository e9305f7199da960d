from collections import defaultdict

from odoo import api, models

from ..biteship_export import reference_candidates


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _cod_remittance_find_orders(self, keys, company):
        """Also Biteship's reference_id ("SHOP1-WH/OUT/00012-2"): the
        delivery collecting the cash whose Biteship method gives exactly that
        reference."""
        found = super()._cod_remittance_find_orders(keys, company)
        rest = {key.strip() for key in keys if key and key.strip()} - set(found)
        if rest:
            found.update(self._biteship_cod_orders_by_reference(rest, company))
        return found

    @api.model
    def _biteship_cod_orders_by_reference(self, references, company):
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("delivery_type", "=", "biteship"),
                    ("company_id", "in", [company.id, False]),
                ]
            )
        )
        if not carriers:
            return {}
        prefixes = set(filter(None, carriers.mapped("biteship_reference_prefix")))
        candidates = {
            reference: reference_candidates(reference, prefixes)
            for reference in references
        }
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    (
                        "name",
                        "in",
                        list(
                            {
                                name
                                for pairs in candidates.values()
                                for name, __ in pairs
                            }
                        ),
                    ),
                    ("company_id", "=", company.id),
                    ("carrier_id", "in", carriers.ids),
                    ("cod_collect", "=", True),
                ]
            )
        )
        by_name = defaultdict(list)
        for picking in pickings:
            by_name[picking.name].append(picking)
        found = {}
        for reference, pairs in candidates.items():
            orders = {
                picking.sale_id
                for name, attempt in pairs
                for picking in by_name[name]
                if picking.carrier_id._biteship_reference(picking, attempt) == reference
            }
            if len(orders) == 1:
                found[reference] = orders.pop().with_env(self.env)
        return found
