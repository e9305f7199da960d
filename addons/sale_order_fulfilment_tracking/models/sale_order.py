from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _fulfilment_state_depends(self):
        # stock.picking._get_fulfilment_shipping_state reads the carrier's
        # shipment state here: the order's state follows tracking events.
        return [*super()._fulfilment_state_depends(), "picking_ids.shipment_state"]
