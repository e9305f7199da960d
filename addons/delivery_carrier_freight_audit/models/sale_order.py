import json

from odoo import fields, models


class SaleOrder(models.Model):
    """What the customer was quoted for shipping, for the freight audit."""

    _inherit = "sale.order"

    freight_quote_amount = fields.Monetary(
        "Quoted Shipping (untaxed)",
        copy=False,
        readonly=True,
        groups="stock.group_stock_user,sales_team.group_sale_manager",
        help="The shipping price the customer was given when the delivery "
        "method was set (the rate at checkout), also when the delivery "
        "method invoices the real cost and the line shows 0.",
    )

    def set_delivery_line(self, carrier, amount):
        res = super().set_delivery_line(carrier, amount)
        for order in self.sudo():
            line = order.order_line.filtered(
                lambda line, carrier=carrier: (
                    line.is_delivery
                    and line.product_id == carrier.product_id
                    and not line.freight_picking_id
                )
            ).sorted("id")[-1:]
            order.freight_quote_amount = line.tax_id.compute_all(
                amount,
                order.currency_id,
                1.0,
                product=line.product_id,
                partner=order.partner_shipping_id,
            )["total_excluded"]
        return res

    def _remove_delivery_line(self):
        res = super()._remove_delivery_line()
        self.sudo().freight_quote_amount = 0.0
        return res

    def _freight_quote(self):
        """The shipping quoted to the customer, untaxed, in the company's
        currency: the rate given when the delivery method was set, else
        (orders from before this module) the order's shipping lines, the
        lines billing a delivery's real cost left out."""
        self.ensure_one()
        order = self.sudo()
        quote = order.freight_quote_amount or sum(
            order.order_line.filtered(
                lambda line: line.is_delivery and not line.freight_picking_id
            ).mapped("price_subtotal")
        )
        return order._freight_to_company_currency(quote)

    def _freight_to_company_currency(self, amount):
        """`amount` of the order's currency in the company's, at the order's
        date (the quote's rate)."""
        self.ensure_one()
        return self.currency_id._convert(
            amount,
            self.company_id.currency_id,
            self.company_id,
            self.date_order or fields.Date.context_today(self),
        )

    def _freight_analytic_distribution(self):
        """The analytic distribution a delivery's freight cost is posted
        with: the order's shipping line's, else the one its other lines share;
        none for a delivery without order."""
        lines = self.sudo().order_line.filtered(lambda line: not line.display_type)
        shipping = lines.filtered(
            lambda line: line.is_delivery and line.analytic_distribution
        )[:1]
        if shipping:
            return shipping.analytic_distribution
        goods = lines.filtered(lambda line: not line.is_delivery)
        shared = {
            json.dumps(line.analytic_distribution, sort_keys=True) for line in goods
        }
        return goods[:1].analytic_distribution if len(shared) == 1 else False
