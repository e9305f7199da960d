from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    cod_sale_order_id = fields.Many2one(
        "sale.order",
        "COD Order",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The cash-on-delivery order whose collection this entry books.",
    )
