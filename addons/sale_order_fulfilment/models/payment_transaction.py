from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """Run the fulfilment of the paid orders after core's post-processing
        (order confirmation, payment), in savepoints (see _fulfilment_run) so
        that a failure never rolls core's work back."""
        res = super()._post_process()
        orders = self.filtered(
            lambda tx: tx.state == "done" and tx.operation != "validation"
        ).sale_order_ids
        orders.filtered(lambda o: o._is_fulfilment_paid())._fulfilment_run("payment")
        return res
