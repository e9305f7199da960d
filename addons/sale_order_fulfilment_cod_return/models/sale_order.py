from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _cod_get_collecting_deliveries(self):
        """A parcel returned to sender and re-shipped hands the cash to collect
        to its new delivery (and that one to its own, when it came back too):
        the returned parcel collects nothing."""
        deliveries = super()._cod_get_collecting_deliveries()
        while True:
            reshipped = deliveries.filtered(
                lambda p: (
                    p.rts_return_id.rts_decision == "reship"
                    and p.rts_return_id.reship_picking_id.state not in (False, "cancel")
                )
            )
            if not reshipped:
                return deliveries
            deliveries = (
                deliveries - reshipped
            ) | reshipped.rts_return_id.reship_picking_id

    @api.model
    def _cod_collect_depends(self):
        return [
            *super()._cod_collect_depends(),
            "return_ids.rts_decision",
            "return_ids.reship_picking_id",
        ]
