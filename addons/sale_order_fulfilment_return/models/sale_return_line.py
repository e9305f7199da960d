from odoo import api, fields, models


class SaleReturnLine(models.Model):
    _name = "sale.return.line"
    _description = "Customer Return Line"

    return_id = fields.Many2one(
        "sale.return", required=True, ondelete="cascade", index=True
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", required=True, ondelete="restrict", index=True
    )
    product_id = fields.Many2one(related="sale_line_id.product_id", store=True)
    product_uom = fields.Many2one(related="sale_line_id.product_uom")
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    qty_received = fields.Float(
        compute="_compute_qty_received",
        digits="Product Unit of Measure",
        help="Came back into stock: done moves of the return transfers.",
    )
    reason_id = fields.Many2one(
        "sale.return.reason", required=True, ondelete="restrict"
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "quantity_positive",
            "CHECK(quantity > 0)",
            "Returned quantities are positive.",
        )
    ]

    @api.depends(
        "return_id.return_picking_ids.move_ids.state",
        "return_id.return_picking_ids.move_ids.quantity",
    )
    def _compute_qty_received(self):
        for line in self:
            moves = line.return_id.return_picking_ids.move_ids.filtered(
                lambda m, sol=line.sale_line_id: (
                    m.state == "done" and m.sale_line_id == sol
                )
            )
            line.qty_received = sum(
                m.product_uom._compute_quantity(m.quantity, line.product_uom)
                for m in moves
            )

    def _get_amount(self):
        """Value of the returned quantity at the order's price (taxes in)."""
        self.ensure_one()
        sol = self.sale_line_id
        if not sol.product_uom_qty:
            return 0.0
        return sol.currency_id.round(
            sol.price_total / sol.product_uom_qty * self.quantity
        )
