from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _cod_failure_reason(self, new_events):
        # A parcel coming back is the return to sender's: its COD fails when
        # a person cancels at receipt (sale.return._rts_cancel), not now.
        return super()._cod_failure_reason(
            new_events.filtered(lambda event: not event._tracking_is_coming_back())
        )
