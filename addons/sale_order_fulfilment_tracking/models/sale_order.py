from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.depends("picking_ids.shipment_state")
    def _compute_fulfilment_state(self):
        # Only adds a dependency: the order's state follows tracking events.
        return super()._compute_fulfilment_state()
