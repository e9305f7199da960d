from odoo import fields, models


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

    def _biteship_apply_courier(self, news):
        """Tracking id, link, courier and driver of Biteship news (order_news,
        tracking_news): what it tells, never a value it leaves out."""
        self.ensure_one()
        courier = news["courier"]
        vals = {
            name: value
            for name, value in (
                ("biteship_tracking_id", news["tracking_id"]),
                ("biteship_tracking_link", news["link"]),
                ("biteship_courier_company", courier["company"]),
                ("biteship_courier_type", courier["type"]),
                ("biteship_driver_name", courier["driver_name"]),
                ("biteship_driver_phone", courier["driver_phone"]),
            )
            if value and value != self[name]
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

    def _biteship_apply_tracking(self, news):
        """Record Biteship news of the delivery (order_news, tracking_news):
        ids, link, late waybill, events."""
        self.ensure_one()
        self._biteship_apply_courier(news)
        waybill = news["waybill"]
        if waybill and waybill not in self._tracking_numbers():
            self._tracking_set_number(waybill)
        if waybill:
            # the waybill came after the order (here or by webhook)
            self._tracking_label_when_numbered()
        order_key = news["order_id"] or self.carrier_shipment_id
        return self._tracking_apply_events(
            [
                self.carrier_id._biteship_event(event, order_key)
                for event in news["events"]
            ]
        )
