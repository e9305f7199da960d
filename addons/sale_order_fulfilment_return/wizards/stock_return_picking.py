from odoo import models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _reset_carrier_id(self, picking):
        """stock_delivery clears the carrier of every return ("no integration
        of returns"): keep it for a customer return, and whenever the carrier
        makes return labels, so that the parcel coming back has its carrier
        (label, tracking). The outbound price is not the return's."""
        if (
            self.env.context.get("sale_return_keep_carrier")
            or picking.carrier_id.can_generate_return
        ):
            picking.carrier_price = 0.0
            return
        super()._reset_carrier_id(picking)
