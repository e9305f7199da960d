from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

# pg_advisory_xact_lock(class, delivery id): one booking per delivery at a time,
# across workers, held until the booking transaction ends.
BOOKING_LOCK_CLASS = 0x54524B42  # "TRKB"


class DeliveryCarrierBooking(models.Model):
    """Every shipment a carrier accepted, journaled at once and committed
    outside the business transaction: a delivery whose transaction rolled back
    (or whose worker died) after the carrier accepted finds the shipment here,
    and its retry adopts it instead of booking a second one.

    Written and read only through fresh cursors, never in the caller's
    transaction (see _record, _live_shipment)."""

    _name = "delivery.carrier.booking"
    _description = "Carrier Booking Journal"
    _order = "id desc"

    # Plain integers, no foreign keys: the row is written from another
    # transaction while the booking one holds the delivery's row lock, or has
    # not committed the delivery yet.
    picking_ref = fields.Integer(
        "Delivery ID", required=True, index=True, readonly=True
    )
    carrier_ref = fields.Integer("Carrier ID", required=True, readonly=True)
    carrier_shipment_id = fields.Char(
        "Carrier's Shipment ID", required=True, readonly=True
    )
    reference = fields.Char(
        readonly=True, help="The reference sent to the carrier with the booking."
    )
    alive = fields.Boolean(
        default=True,
        readonly=True,
        help="Cleared once the carrier reported the shipment dead (cancelled, "
        "rejected): the next send books a new one.",
    )

    @api.model
    def _lock(self, picking):
        self.env.cr.execute(
            SQL("SELECT pg_advisory_xact_lock(%s, %s)", BOOKING_LOCK_CLASS, picking.id)
        )

    @api.model
    def _record(self, carrier, picking, shipment_id, reference=False):
        with self.env.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})[self._name].create(
                {
                    "picking_ref": picking.id,
                    "carrier_ref": carrier.id,
                    "carrier_shipment_id": shipment_id,
                    "reference": reference,
                }
            )

    @api.model
    def _known_ids(self, carrier, picking):
        # A fresh transaction sees what a concurrent one journaled after this
        # transaction's snapshot was taken.
        with self.env.registry.cursor() as cr:
            journal = api.Environment(cr, SUPERUSER_ID, {})[self._name]
            ids = journal.search(
                [
                    ("picking_ref", "=", picking.id),
                    ("carrier_ref", "=", carrier.id),
                    ("alive", "=", True),
                ]
            ).mapped("carrier_shipment_id")
        # booked before the journal existed, or set by hand
        if picking.carrier_shipment_id and picking.carrier_shipment_id not in ids:
            ids.append(picking.carrier_shipment_id)
        return ids

    @api.model
    def _mark_dead(self, carrier, picking, shipment_id):
        with self.env.registry.cursor() as cr:
            journal = api.Environment(cr, SUPERUSER_ID, {})[self._name]
            journal.search(
                [
                    ("picking_ref", "=", picking.id),
                    ("carrier_ref", "=", carrier.id),
                    ("carrier_shipment_id", "=", shipment_id),
                ]
            ).write({"alive": False})

    @api.model
    def _live_shipment(self, carrier, picking, lookup):
        """Take the delivery's booking lock, then return the carrier's live
        shipment of it (what `lookup` answered), or None when it has none.

        :param lookup: the provider's <delivery_type>_booking_lookup
        """
        self._lock(picking)
        for shipment_id in self._known_ids(carrier, picking):
            shipment = lookup(picking, shipment_id)
            if shipment is not None:
                return shipment
            self._mark_dead(carrier, picking, shipment_id)
        return None
