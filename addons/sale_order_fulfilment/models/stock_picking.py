from odoo import models
from odoo.exceptions import UserError

from .fulfilment_steps import DELIVERY_VALIDATED

# Context key: the fulfilment engine is validating these deliveries and does
# itself what a validated delivery calls for (sale.order._fulfilment_deliver):
# _action_done must not start the engine again from inside it.
ENGINE_VALIDATING = "fulfilment_engine_validating"


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _get_fulfilment_shipping_state(self):
        """Shipping step of a delivery for the order's fulfilment state.

        Hook for tracking modules. Called on outgoing, non-cancelled pickings.
        A done delivery with a carrier is 'shipped' (the carrier takes it
        further); without a carrier it is 'delivered': the shop handed it over
        itself (own courier, pick-up) and nothing will report a later step.

        :return: 'delivered', 'shipped' or False
        """
        self.ensure_one()
        if self.picking_type_code != "outgoing" or self.state != "done":
            return False
        return "shipped" if self.carrier_id else "delivered"

    def _fulfilment_validate(self):
        """Validate these fully reserved deliveries for the fulfilment engine:
        all their reserved quantities picked, no wizard (a backorder or an
        immediate transfer question is a person's: then a UserError). Does not
        run the fulfilment of their orders (ENGINE_VALIDATING): the engine that
        calls it does."""
        if not self:
            return
        self.move_ids.picked = True
        result = self.with_context(
            skip_sms=True, **{ENGINE_VALIDATING: True}
        ).button_validate()
        if result is not True:
            raise UserError(
                self.env._(
                    "Delivery %(pickings)s needs a manual validation.",
                    pickings=", ".join(self.mapped("name")),
                )
            )

    def _action_done(self):
        # A person validated deliveries: invoice the delivered quantities of
        # their paid orders at once (if the company wants it).
        res = super()._action_done()
        if self.env.context.get(ENGINE_VALIDATING):
            return res
        # sudo: the automation applies the shop's policy, not the rights of
        # whoever validates; a warehouse user may neither read the order
        # (another salesperson's, no Sales rights) and its payments, nor
        # create and post invoices (no Accounting rights).
        orders = (
            self.filtered(
                lambda p: p.picking_type_code == "outgoing" and p.state == "done"
            )
            .sudo()
            .sale_id
        )
        orders = orders.filtered(lambda o: o.company_id.fulfilment_invoice_on_delivery)
        if orders:
            orders._fulfilment_run(DELIVERY_VALIDATED)
        return res
