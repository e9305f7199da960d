from odoo import models
from odoo.tools import float_round

# Returns still counted against a line: all but those that came to nothing.
COUNTED_RETURN_STATES = ("requested", "approved", "received", "refunded")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _is_returnable_goods(self):
        """Goods the customer received from a delivery: not a note, a
        delivery fee, a down payment or a service."""
        self.ensure_one()
        return (
            not self.display_type
            and not self.is_delivery
            and not self.is_downpayment
            and self.product_id.type == "consu"
        )

    def _get_return_pending_qty(self, exclude=None):
        """Quantity of the line in returns still counted (COUNTED_RETURN_STATES)
        that has not come back into stock yet: what came back is already
        deducted from core's delivered quantity (return moves to refund)."""
        self.ensure_one()
        lines = (
            self.env["sale.return.line"]
            .sudo()
            .search(
                [
                    ("sale_line_id", "=", self.id),
                    ("return_id.state", "in", COUNTED_RETURN_STATES),
                    ("return_id", "not in", (exclude or self.env["sale.return"]).ids),
                ]
            )
        )
        return sum(max(line.quantity - line.qty_received, 0.0) for line in lines)

    def _get_returnable_qty(self, exclude=None):
        """The one rule: what the customer may still return of this line =
        delivered (core's qty_delivered: done deliveries minus the returns
        that came back) minus what open returns ask for and has not come back
        yet. Nothing for what was not delivered, or is not goods. `exclude`:
        returns not to count (the return being approved re-checks itself)."""
        self.ensure_one()
        if not self._is_returnable_goods() or self.state != "sale":
            return 0.0
        qty = self.qty_delivered - self._get_return_pending_qty(exclude)
        return max(float_round(qty, precision_rounding=self.product_uom.rounding), 0.0)
