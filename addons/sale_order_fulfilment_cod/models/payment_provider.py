from odoo import api, fields, models
from odoo.addons.payment import utils as payment_utils

# payment_custom's mode of the cash-on-delivery provider (as website_sale_collect
# adds 'on_site'): payment_custom renders its form, takes the customer's
# choice and leaves the transaction pending; sale confirms the order.
COD_MODE = "cod"


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    custom_mode = fields.Selection(
        selection_add=[(COD_MODE, "Cash on Delivery")],
        ondelete={COD_MODE: "set null"},
    )

    @api.model
    def _get_compatible_providers(
        self, company_id, *args, sale_order_id=None, report=None, **kwargs
    ):
        """Cash on delivery only for a sale order whose chosen delivery offers
        it (delivery.carrier._cod_offer: the carrier, its maximum): never for
        invoices or orders without a carrier."""
        providers = super()._get_compatible_providers(
            company_id, *args, sale_order_id=sale_order_id, report=report, **kwargs
        )
        cod = providers.filtered(lambda p: p.custom_mode == COD_MODE)
        if not cod:
            return providers
        order = self.env["sale.order"].browse(sale_order_id).exists()
        offer = order._cod_get_offer() if order else {}
        if not offer.get("available"):
            payment_utils.add_to_report(
                report,
                cod,
                available=False,
                reason=offer.get("reason")
                or self.env._("no delivery offering cash on delivery"),
            )
            providers -= cod
        return providers

    def _get_default_payment_method_codes(self):
        """Enabling the COD provider activates its own payment method."""
        codes = super()._get_default_payment_method_codes()
        if self.custom_mode != COD_MODE:
            return codes
        return {"cod"}
