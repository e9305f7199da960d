from collections import defaultdict

from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _tracking_portal_events(self):
        """The tracking events of these deliveries as the customer's order page
        shows them: {picking id: [event values]}, newest first.

        Read for all the deliveries at once with their parcels (the same
        queries whatever the number of deliveries and events), times and
        states formatted here as t-field would: a t-field per event costs a
        field description per call, most of the page's time with hundreds of
        events."""
        self.parcel_ids.mapped("tracking_number")
        events = self.env["stock.picking.tracking.event"].search(
            [("picking_id", "in", self.ids)]
        )
        states = dict(events._fields["shipment_state"]._description_selection(self.env))
        datetime_html = self.env["ir.qweb.field.datetime"].value_to_html
        several_parcels = {
            picking.id for picking in self if len(picking.parcel_ids) > 1
        }
        result = defaultdict(list)
        for event in events:
            picking_id = event.picking_id.id
            result[picking_id].append(
                {
                    "time": datetime_html(event.event_time, {}),
                    "state": states.get(event.shipment_state, ""),
                    "tracking_number": picking_id in several_parcels
                    and event.parcel_id.tracking_number,
                    "description": event.description,
                    "location": event.location,
                }
            )
        return result
