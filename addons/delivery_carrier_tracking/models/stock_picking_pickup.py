from odoo import fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """Deliveries in a courier pickup (delivery.pickup)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    pickup_id = fields.Many2one(
        "delivery.pickup", "Courier Pickup", copy=False, readonly=True, index=True
    )
    pickup_state = fields.Selection(related="pickup_id.state", string="Pickup Status")

    def _tracking_apply_events(self, events, parcels=None):
        # the carrier's news of the parcels tells when the courier came
        new_events = super()._tracking_apply_events(events, parcels)
        if new_events and self.pickup_id.state == "scheduled":
            self.pickup_id.sudo()._pickup_collected_check()
        return new_events

    def _pickup_check_ready(self, pickup=None):
        """Raise a UserError naming each delivery that cannot go into a
        courier pickup (other than `pickup`) and why: only outgoing
        deliveries with a carrier, ready or done, booked (a tracking number),
        not in another pickup that is not cancelled."""
        problems = []
        for picking in self:
            if picking.picking_type_code != "outgoing" or not picking.carrier_id:
                reason = self.env._("not a delivery with a carrier")
            elif picking.state not in ("assigned", "done"):
                reason = self.env._("not ready nor done")
            elif not picking.carrier_tracking_ref:
                reason = self.env._("not booked with the carrier (no tracking number)")
            elif (
                picking.pickup_id
                and picking.pickup_id != pickup
                and picking.pickup_id.state != "cancelled"
            ):
                reason = self.env._(
                    "already in pickup %(pickup)s", pickup=picking.pickup_id.name
                )
            else:
                continue
            problems.append(f"- {picking.name}: {reason}")
        if problems:
            raise UserError(
                self.env._("These deliveries cannot be picked up:")
                + "\n"
                + "\n".join(problems)
            )

    def action_open_pickup_schedule(self):
        """Schedule a courier pickup of the selected deliveries (list
        action): the wizard with one line per carrier and warehouse and the
        windows each carrier offers."""
        if not self:
            raise UserError(self.env._("Select the deliveries to be picked up."))
        self._pickup_check_ready()
        wizard = self.env["delivery.pickup.schedule"]._create_for(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedule Pickup"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
