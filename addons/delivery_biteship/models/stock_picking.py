from odoo import fields, models
from odoo.exceptions import UserError

from ..biteship.status import normalize_status


class StockPicking(models.Model):
    _inherit = "stock.picking"

    biteship_tracking_id = fields.Char(
        "Biteship Tracking ID", copy=False, readonly=True
    )
    biteship_tracking_link = fields.Char(
        "Biteship Tracking Page", copy=False, readonly=True
    )
    # The courier Biteship booked (the customer's choice in rate shopping) and,
    # for instant couriers, the driver while the parcel moves.
    biteship_courier_company = fields.Char(
        "Biteship Courier", copy=False, readonly=True
    )
    biteship_courier_type = fields.Char(
        "Biteship Courier Service", copy=False, readonly=True
    )
    biteship_driver_name = fields.Char("Driver", copy=False, readonly=True)
    biteship_driver_phone = fields.Char("Driver Phone", copy=False, readonly=True)

    def _biteship_apply_courier(self, courier):
        """Courier and driver of a Biteship order or tracking answer
        (``courier``: company, type, driver_name, driver_phone, link)."""
        self.ensure_one()
        if not isinstance(courier, dict):
            return
        vals = {
            name: courier[key]
            for name, key in (
                ("biteship_courier_company", "company"),
                ("biteship_courier_type", "type"),
                ("biteship_driver_name", "driver_name"),
                ("biteship_driver_phone", "driver_phone"),
                ("biteship_tracking_link", "link"),
            )
            if courier.get(key) and courier[key] != self[name]
        }
        if vals:
            self.write(vals)

    def _get_label_courier_service(self):
        """The courier and service Biteship booked: the customer's choice of
        the order when it is that one (its names, e.g. "J&T" / "Regular"),
        else Biteship's codes (JNE / REG)."""
        self.ensure_one()
        company, service = self.biteship_courier_company, self.biteship_courier_type
        if not company:
            return super()._get_label_courier_service()
        order = self.sale_id
        if order.biteship_service_name and (
            order.biteship_courier_company,
            order.biteship_courier_type,
        ) == (company, service):
            return order.biteship_service_name, ""
        return company.upper(), (service or "").upper()

    def _biteship_apply_tracking(self, tracking):
        """Record a Biteship tracking answer: ids, late waybill, events."""
        self.ensure_one()
        vals = {}
        if tracking.get("id") and tracking["id"] != self.biteship_tracking_id:
            vals["biteship_tracking_id"] = tracking["id"]
        if tracking.get("link") and tracking["link"] != self.biteship_tracking_link:
            vals["biteship_tracking_link"] = tracking["link"]
        if vals:
            self.write(vals)
        self._biteship_apply_courier(tracking.get("courier"))
        waybill = (tracking.get("waybill_id") or "").strip()
        if waybill and waybill not in self._tracking_numbers():
            self._tracking_set_number(waybill)
        if waybill and not self.tracking_label_ids:
            # The waybill came after the order (here or by webhook): print the
            # label now, in the cron rather than inside Biteship's webhook call.
            try:
                with self.env.cr.savepoint():
                    self.carrier_id._tracking_attach_labels(self)
            except UserError as error:
                self.message_post(
                    body=self.env._("The shipping label could not be made: %s", error)
                )
        order_key = tracking.get("order_id") or self.carrier_shipment_id
        events, seen = [], set()
        for entry in tracking.get("history") or []:
            if not isinstance(entry, dict):
                continue
            status = normalize_status(entry.get("status"))
            # the first entry of a status is the one its webhook recorded
            events.append(
                self.carrier_id._biteship_event(
                    status,
                    entry.get("updated_at"),
                    entry.get("note"),
                    order_key,
                    repeat=status in seen,
                )
            )
            seen.add(status)
        return self._tracking_apply_events([event for event in events if event])
