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
