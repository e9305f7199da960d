from collections import defaultdict

import babel.dates
import pytz
from odoo import models
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _tracking_portal_events(self):
        """The tracking events of these deliveries as the customer's order page
        shows them: {picking id: [event values]}, newest first.

        Read for all the deliveries at once (the same queries whatever the
        number of deliveries and events) and formatted here: a t-field per
        event costs a field description and a language lookup per call, most
        of the page's time with hundreds of events. Times as t-field shows
        them: the language's date and time formats, the user's time zone."""
        events = self.env["stock.picking.tracking.event"].search(
            [("picking_id", "in", self.ids)]
        )
        states = dict(events._fields["shipment_state"]._description_selection(self.env))
        lang = get_lang(self.env)
        locale = babel_locale_parse(lang.code)
        pattern = posix_to_ldml(f"{lang.date_format} {lang.time_format}", locale=locale)
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        several_parcels = {
            picking.id for picking in self if len(picking.parcel_ids) > 1
        }
        result = defaultdict(list)
        for event in events:
            picking_id = event.picking_id.id
            result[picking_id].append(
                {
                    "time": babel.dates.format_datetime(
                        pytz.utc.localize(event.event_time).astimezone(tz),
                        format=pattern,
                        locale=locale,
                    ),
                    "state": states.get(event.shipment_state, ""),
                    "tracking_number": picking_id in several_parcels
                    and event.parcel_id.tracking_number,
                    "description": event.description,
                    "location": event.location,
                }
            )
        return result
