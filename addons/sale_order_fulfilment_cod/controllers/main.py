from odoo.addons.website_sale.controllers.main import WebsiteSale


class CodWebsiteSale(WebsiteSale):
    def _get_shop_payment_values(self, order, **kwargs):
        # The payment step starts from the cart without the COD fee (a
        # customer back from an earlier COD attempt): the totals shown are
        # those of any payment, the COD option shows its fee, and Pay now
        # with COD adds it again.
        if order.state in ("draft", "sent"):
            order._cod_remove_fee_line()
        return super()._get_shop_payment_values(order, **kwargs)
