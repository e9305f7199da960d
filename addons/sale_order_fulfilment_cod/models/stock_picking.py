from odoo import models
from odoo.addons.sale_order_fulfilment.models.fulfilment_steps import CARRIER_EVENT

# What ends a COD parcel without cash: the delivery's shipment states, and
# the carriers' own statuses (Biteship's, and the same words from in-house
# webhooks) that the tracking module maps to "exception" or "cancelled".
COD_FAILED_STATES = ("returned", "cancelled")
COD_FAILED_CODES = ("returned", "return_in_transit", "rejected", "disposed")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _get_cod_amount_to_collect(self):
        """The COD order's amount on its first delivery (labels, bookings);
        nothing once collected or failed."""
        order = self.sudo().sale_id
        if (
            self.picking_type_code != "outgoing"
            or not order.is_cod
            or order.cod_state != "to_collect"
        ):
            return super()._get_cod_amount_to_collect()
        first = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        ).sorted("id")[:1]
        return order.cod_amount if first == self else 0.0

    def _tracking_apply_events(self, events, parcels=None):
        """Delivered: the fulfilment runs for the COD order (invoice per
        policy, collection entry). Returned / rejected / disposed: the COD
        fails. As the automation: the news comes from a webhook (public
        user), the poll (cron) or a warehouse user."""
        before = self.shipment_state
        new_events = super()._tracking_apply_events(events, parcels)
        if not new_events or self.state != "done":
            return new_events
        # the order first: most are not COD, and the operation type would be
        # one more query on each carrier event
        order = self.sudo().sale_id
        if (
            not order.is_cod
            or order.cod_state != "to_collect"
            or self.picking_type_code != "outgoing"
        ):
            return new_events
        reason = self._cod_failure_reason(new_events)
        if reason:
            order._cod_fail(reason)
        elif self.shipment_state == "delivered" and before != "delivered":
            order._fulfilment_run(CARRIER_EVENT)
        return new_events

    def _cod_failure_reason(self, new_events):
        """Why the COD parcel will bring no cash, from the new tracking
        events, or "" (hook for carriers with other failure statuses)."""
        self.ensure_one()
        for event in new_events.sorted("event_time"):
            if event.shipment_state in COD_FAILED_STATES or (
                (event.status_code or "").lower() in COD_FAILED_CODES
            ):
                # outside _(): the translation export (babel) cannot read an
                # f-string in the call and skips the whole file
                note = f" ({event.description})" if event.description else ""
                return self.env._(
                    "Cash on delivery not collected: %(carrier)s reports "
                    "%(status)s for %(picking)s%(note)s.",
                    carrier=self.carrier_id.name or "",
                    status=event.status_code or event.shipment_state,
                    picking=self.name,
                    note=note,
                )
        return ""
