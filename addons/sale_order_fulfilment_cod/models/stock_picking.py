from odoo import api, fields, models
from odoo.addons.sale_order_fulfilment.models.fulfilment_steps import CARRIER_EVENT

# What ends a COD parcel without cash besides its coming back (the tracking
# contract's rule): a cancelled shipment, and the carriers' statuses for a
# parcel refused or destroyed (Biteship's, and the same words from in-house
# webhooks) that the tracking module maps to "exception" or "cancelled".
COD_FAILED_STATES = ("cancelled",)
COD_FAILED_CODES = ("rejected", "disposed")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    cod_collect_order_ids = fields.One2many(
        "sale.order", "cod_collect_picking_id", "Orders Collected by This Delivery"
    )
    # Not stored: read from the order's one decision (a stored field here
    # would depend on sale_id.cod_collect_picking_id, whose inverse loads
    # order.picking_ids while the pickings are being created).
    cod_collect = fields.Boolean(
        "Collects Cash on Delivery",
        compute="_compute_cod_collect",
        compute_sudo=True,
        search="_search_cod_collect",
        help="The courier collects the order's cash on delivery with this "
        "delivery: its label and booking carry the amount, its delivery books "
        "the collection, payouts name it.",
    )

    @api.depends("cod_collect_order_ids")
    def _compute_cod_collect(self):
        for picking in self:
            picking.cod_collect = bool(picking.cod_collect_order_ids)

    def _search_cod_collect(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        collects = (operator == "=") == bool(value)
        return [("cod_collect_order_ids", "!=" if collects else "=", False)]

    def _get_cod_amount_to_collect(self):
        """The COD order's amount on the delivery that collects it (labels,
        bookings); nothing once collected or failed."""
        order = self.sudo().sale_id
        if self.cod_collect and order.cod_state == "to_collect":
            return order.cod_amount
        return super()._get_cod_amount_to_collect()

    def _tracking_apply_events(self, events, parcels=None):
        """Delivered: the fulfilment runs for the COD order (invoice per
        policy, collection entry). Returned / rejected / disposed: the COD
        fails. As the automation: the news comes from a webhook (public
        user), the poll (cron) or a warehouse user."""
        before = self.shipment_state
        new_events = super()._tracking_apply_events(events, parcels)
        if not new_events or self.state != "done":
            return new_events
        # only the delivery that collects: a backorder or a parcel returned to
        # sender carries no cash, its news neither fails nor collects the COD
        if not self.cod_collect:
            return new_events
        order = self.sudo().sale_id
        if order.cod_state != "to_collect":
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
            if (
                event._tracking_is_coming_back()
                or event.shipment_state in COD_FAILED_STATES
                or (event.status_code or "").lower() in COD_FAILED_CODES
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
