from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _get_fulfilment_shipping_state(self):
        # A carrier shipment is delivered when the carrier says so, not when
        # the parcel leaves the warehouse.
        state = super()._get_fulfilment_shipping_state()
        if state and self.carrier_id and self.shipment_state == "delivered":
            return "delivered"
        return state
