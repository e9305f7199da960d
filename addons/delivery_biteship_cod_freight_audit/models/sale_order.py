from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _freight_quote(self):
        """Biteship puts its COD fee in the delivery's price
        (destination.cash_on_delivery.fee), and the customer paid that fee
        on the order's COD fee line: the quote counts it, else every
        Biteship COD delivery shows over by the fee. The fee of other
        carriers is the shop's, not freight: left out."""
        quote = super()._freight_quote()
        order = self.sudo()
        if order.carrier_id.delivery_type != "biteship":
            return quote
        fee = sum(order._cod_fee_lines().mapped("price_subtotal"))
        return quote + order._freight_to_company_currency(fee)
