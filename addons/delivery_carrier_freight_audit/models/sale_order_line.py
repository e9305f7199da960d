from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    freight_picking_id = fields.Many2one(
        "stock.picking",
        "Billed Delivery",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The delivery whose real freight cost this line bills (delivery "
        "methods invoicing the real cost).",
    )
