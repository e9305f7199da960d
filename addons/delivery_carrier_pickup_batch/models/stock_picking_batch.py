from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPickingBatch(models.Model):
    """A batch transfer of deliveries is what the warehouse packs together:
    its courier pickup is scheduled from it, as from the deliveries list."""

    _inherit = "stock.picking.batch"

    pickup_ids = fields.Many2many(
        "delivery.pickup",
        string="Courier Pickups",
        compute="_compute_pickup_ids",
    )
    pickup_count = fields.Integer(compute="_compute_pickup_ids")

    @api.depends("picking_ids.pickup_id")
    def _compute_pickup_ids(self):
        for batch in self:
            batch.pickup_ids = batch.picking_ids.pickup_id
            batch.pickup_count = len(batch.pickup_ids)

    def action_open_pickup_schedule(self):
        """Schedule Pickup of the batch's deliveries: the deliveries list's
        wizard (one pickup per carrier and warehouse), which names any
        delivery that cannot go."""
        if not self.picking_ids:
            raise UserError(
                self.env._(
                    "Batch %(batches)s has no delivery to be picked up.",
                    batches=", ".join(self.mapped("name")),
                )
            )
        return self.picking_ids.action_open_pickup_schedule()

    def action_view_pickups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "delivery_carrier_tracking.action_delivery_pickup"
        )
        action["domain"] = [("id", "in", self.pickup_ids.ids)]
        if len(self.pickup_ids) == 1:
            action.update(view_mode="form", views=[(False, "form")])
            action["res_id"] = self.pickup_ids.id
        return action
