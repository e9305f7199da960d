from odoo import api, fields, models
from odoo.addons.payment import utils as payment_utils


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[("cod", "Cash on Delivery")], ondelete={"cod": "set default"}
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
        cod = providers.filtered(lambda p: p.code == "cod")
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
        if self.code != "cod":
            return codes
        return {"cod"}
