from odoo import fields, models

from .sale_return import RETURN_REFUND_KEY


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    sale_return_id = fields.Many2one(
        "sale.return",
        string="Customer Return",
        readonly=True,
        index="btree_not_null",
        help="The customer return this refund pays back.",
    )

    def _create_child_transaction(
        self, amount, is_refund=False, **custom_create_values
    ):
        return_id = self.env.context.get(RETURN_REFUND_KEY)
        if is_refund and return_id:
            custom_create_values.setdefault("sale_return_id", return_id)
        return super()._create_child_transaction(
            amount, is_refund=is_refund, **custom_create_values
        )

    def _fulfilment_stop_refunded_orders(self):
        """A return's refund is the shop's agreed pay-back, not someone going
        back on the order: it settles the return's credit note and the order
        carries on (no exception)."""
        returns = self.filtered("sale_return_id")
        for refund in returns:
            refund.sale_return_id._match_provider_refund(refund)
        return super(
            PaymentTransaction, self - returns
        )._fulfilment_stop_refunded_orders()
