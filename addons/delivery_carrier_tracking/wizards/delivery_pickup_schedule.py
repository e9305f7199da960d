from odoo import fields, models
from odoo.fields import Command


class DeliveryPickupSchedule(models.TransientModel):
    """Schedule courier pickups of selected deliveries: one line (one
    pickup) per carrier and warehouse, each with a window its carrier
    offers. Created saved (stock.picking.action_open_pickup_schedule), so
    that each line's window choice is limited to its own windows."""

    _name = "delivery.pickup.schedule"
    _description = "Schedule Courier Pickups"

    line_ids = fields.One2many("delivery.pickup.schedule.line", "wizard_id", "Pickups")

    def _create_for(self, pickings):
        groups = {}
        for picking in pickings:
            key = (picking.carrier_id, picking.picking_type_id.warehouse_id)
            groups[key] = groups.get(key, pickings.browse()) | picking
        lines = []
        for (carrier, warehouse), group in groups.items():
            windows = carrier._pickup_windows(group)
            lines.append(
                Command.create(
                    {
                        "carrier_id": carrier.id,
                        "warehouse_id": warehouse.id,
                        "picking_ids": [Command.set(group.ids)],
                        "window_ids": [
                            Command.create(
                                {
                                    "label": window.get("label") or False,
                                    "start": window["start"],
                                    "end": window["end"],
                                    "reference": window.get("reference") or False,
                                }
                            )
                            for window in windows
                        ],
                    }
                )
            )
        return self.create({"line_ids": lines})

    def action_confirm(self):
        """Check the deliveries again, make one pickup per line and book each
        with its carrier (a carrier's refusal is noted on its pickup)."""
        self.ensure_one()
        self.line_ids.picking_ids._pickup_check_ready()
        Pickup = self.env["delivery.pickup"]
        pickups = Pickup.browse()
        for line in self.line_ids:
            window = line._checked_window()
            pickup = Pickup.create(
                {
                    "carrier_id": line.carrier_id.id,
                    "warehouse_id": line.warehouse_id.id,
                    "company_id": line.picking_ids.company_id[:1].id,
                    "window_start": window.start,
                    "window_end": window.end,
                    "window_reference": window.reference,
                }
            )
            # written before any carrier is called: a second scheduler of
            # these deliveries at once waits on their rows, then fails
            line.picking_ids.pickup_id = pickup
            pickups |= pickup
        pickups._pickup_schedule_each()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "delivery_carrier_tracking.action_delivery_pickup"
        )
        if len(pickups) == 1:
            action.update(
                {"res_id": pickups.id, "view_mode": "form", "views": [(False, "form")]}
            )
        else:
            action["domain"] = [("id", "in", pickups.ids)]
        return action
