from odoo import api, fields, models

# Line fields whose change makes another cart (sale.order._cod_void_transactions).
CART_LINE_FIELDS = frozenset(
    ("product_id", "product_uom_qty", "product_uom", "price_unit", "discount", "tax_id")
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    is_cod_fee = fields.Boolean(
        "Is COD Fee",
        copy=False,
        readonly=True,
        help="The cash-on-delivery fee of the order's carrier: one line, kept "
        "in step with the carrier by the order.",
    )

    def _is_not_sellable_line(self):
        # Set by the order from the carrier, like the delivery line: not a
        # product the customer adds or changes in the cart.
        return self.is_cod_fee or super()._is_not_sellable_line()

    def _show_in_cart(self):
        return not self.is_cod_fee and super()._show_in_cart()

    def _check_line_unlink(self):
        # The fee follows the carrier also on a confirmed order (as core lets
        # the delivery line go).
        return super()._check_line_unlink().filtered(lambda line: not line.is_cod_fee)

    # Any change of the cart voids the COD transactions chosen for it
    # (sale.order._cod_void_transactions).
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._cod_void_transactions()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if CART_LINE_FIELDS.intersection(vals):
            self.order_id._cod_void_transactions()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders._cod_void_transactions()
        return res
