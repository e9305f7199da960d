from odoo import models


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

    def _action_done(self):
        # Invoice delivered quantities of paid orders once their delivery is done.
        res = super()._action_done()
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
        orders.filtered(
            lambda o: (
                o.company_id.fulfilment_invoice_on_delivery and o._is_fulfilment_paid()
            )
        )._fulfilment_run("delivery")
        return res
