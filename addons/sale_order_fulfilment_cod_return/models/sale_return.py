from odoo import models
from odoo.exceptions import UserError


class SaleReturn(models.Model):
    _inherit = "sale.return"

    def _rts_cod_uncollected(self):
        order = self.order_id
        return order.is_cod and order.cod_state == "to_collect"

    def _rts_refund(self, partner):
        if self._rts_cod_uncollected():
            raise UserError(
                self.env._(
                    "Order %(order)s is cash on delivery and nothing was "
                    "collected: cancel it or re-ship it.",
                    order=self.order_id.name,
                )
            )
        return super()._rts_refund(partner)

    def _rts_cancel(self, partner):
        """Cash on delivery not collected: the COD failure (invoice reversed
        per Settings, COD failed, exception) instead of a bare exception."""
        if not self._rts_cod_uncollected():
            return super()._rts_cancel(partner)
        return self.order_id._cod_fail(
            self.env._(
                "Cash on delivery not collected: %(note)s",
                note=self._rts_cancel_note(),
            )
        )
