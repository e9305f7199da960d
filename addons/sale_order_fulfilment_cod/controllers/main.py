import logging
import pprint

from odoo.addons.website_sale.controllers.main import WebsiteSale
from odoo.http import Controller, request, route

from ..models.payment_transaction import COD_PROCESS_URL

_logger = logging.getLogger(__name__)


class CodController(Controller):
    @route(COD_PROCESS_URL, type="http", auth="public", methods=["POST"], csrf=False)
    def cod_process_transaction(self, **post):
        """The redirect form of the payment step (payment_custom.redirect_form)
        posts the reference of the transaction: it becomes pending."""
        _logger.info("Cash on delivery chosen:\n%s", pprint.pformat(post))
        request.env["payment.transaction"].sudo()._handle_notification_data("cod", post)
        return request.redirect("/payment/status")


class CodWebsiteSale(WebsiteSale):
    def _get_shop_payment_values(self, order, **kwargs):
        # The payment step starts from the cart without the COD fee (a
        # customer back from an earlier COD attempt): the totals shown are
        # those of any payment, the COD option shows its fee, and Pay now
        # with COD adds it again.
        if order.state in ("draft", "sent"):
            order._cod_remove_fee_line()
        return super()._get_shop_payment_values(order, **kwargs)
