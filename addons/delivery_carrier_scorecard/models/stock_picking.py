from odoo import fields, models

from ..scorecard_rules import promise_days


class StockPicking(models.Model):
    """What the scorecard needs of a delivery, written once when its shipment
    is booked: the delivery time the customer was quoted, and when (the
    courier and service it went with are delivery_carrier_tracking's
    shipment_courier / shipment_service)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    shipment_promise = fields.Char(
        "Quoted Delivery Time",
        copy=False,
        readonly=True,
        help="The delivery time quoted for this delivery's service when it "
        "was booked (e.g. '1 - 2 days'); the courier scorecard measures it.",
    )
    shipment_promise_days = fields.Float(
        "Quoted Days",
        copy=False,
        readonly=True,
        help="The quoted delivery time's upper bound in days (0: not quoted).",
    )
    shipment_booked_at = fields.Datetime(
        "Shipment Booked On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the shipment was booked with the carrier: the deliveries "
        "the courier scorecard counts.",
    )

    def _tracking_shipment_created(self):
        res = super()._tracking_shipment_created()
        self._scorecard_record_booking()
        return res

    def _tracking_set_number(self, tracking_number, parcels=None):
        changed = super()._tracking_set_number(tracking_number, parcels=parcels)
        # a waybill typed after a drop-off is the booking of carriers
        # without an API
        if changed:
            self._scorecard_record_booking()
        return changed

    def _scorecard_record_booking(self):
        """Stamp quoted time and booking time on the deliveries to customers
        booked for the first time (their courier and service: the tracking
        module's one stamp); later calls change nothing."""
        unbooked = self._scorecard_unbooked()
        unbooked._tracking_stamp_courier_service()
        for picking in unbooked:
            # what was booked is a fact of the shop, whoever validated (a
            # warehouse user may not read the sale order)
            picking.write(
                {
                    **picking.sudo()._scorecard_booking_vals(),
                    "shipment_booked_at": fields.Datetime.now(),
                }
            )

    def _scorecard_unbooked(self):
        return self.filtered(
            lambda p: (
                p.carrier_id
                and p.picking_type_code == "outgoing"
                and not p.shipment_booked_at
            )
        )

    def _scorecard_booking_vals(self):
        """Quoted time of the booked delivery."""
        self.ensure_one()
        promise = self.carrier_id._scorecard_promise(self)
        return {
            "shipment_promise": promise or False,
            "shipment_promise_days": promise_days(promise) or 0.0,
        }
