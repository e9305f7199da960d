from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    sale_return_id = fields.Many2one(
        "sale.return",
        string="Customer Return",
        readonly=True,
        index="btree_not_null",
        copy=False,
    )

    def _action_done(self):
        res = super()._action_done()
        # Received by the warehouse, who may have no sales or billing rights:
        # the return's follow-up (state, refund) is the shop's automation.
        self.filtered(
            lambda p: p.state == "done"
        ).sale_return_id.sudo()._on_return_picking_done()
        return res

    def cancel_shipment(self):
        """A return's pickup cancelled with its carrier: the return says so
        (its label is void; the customer no longer gets it in the portal)."""
        numbers = {p: p.carrier_tracking_ref for p in self}
        res = super().cancel_shipment()
        for picking in self.filtered("sale_return_id"):
            picking.sale_return_id.sudo().message_post(
                body=self.env._(
                    "The return pickup of %(picking)s (%(number)s) was cancelled "
                    "with %(carrier)s by %(user)s: its return label is void.",
                    picking=picking.name,
                    number=numbers[picking] or "-",
                    carrier=picking.carrier_id.name,
                    user=self.env.user.name,
                ),
                message_type="notification",
            )
        return res
