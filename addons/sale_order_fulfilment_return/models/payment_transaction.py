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

    def _is_fulfilment_agreed_refund(self):
        # A return's refund is the shop's agreed pay-back: the order carries on.
        return bool(self.sale_return_id) or super()._is_fulfilment_agreed_refund()

    def _get_fulfilment_refund_counterpart(self):
        # A return's refund pays its credit note back.
        if self.sale_return_id.refund_move_id:
            return self.sale_return_id.refund_move_id
        return super()._get_fulfilment_refund_counterpart()
