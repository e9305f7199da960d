from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _freight_service(self):
        """Biteship's courier and service codes (JNE REG): one delivery
        method may book several services (rate shopping)."""
        self.ensure_one()
        if not self.biteship_courier_company:
            return super()._freight_service()
        return " ".join(
            filter(None, (self.biteship_courier_company, self.biteship_courier_type))
        ).upper()
