from datetime import timedelta

from odoo import fields
from odoo.addons.delivery_carrier_tracking.tests.common import TrackingCommon


class ScorecardCommon(TrackingCommon):
    """Deliveries of two in-house couriers to two provinces, booked at a
    known time and moved along by carrier events, as the scorecard reads
    them. The shop is in Jakarta's time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Jakarta"
        cls.env.company.scorecard_min_deliveries = 3
        cls.jawa_barat = cls.env.ref("base.state_id_jb")
        cls.jawa_tengah = cls.env.ref("base.state_id_jt")
        cls.customer.state_id = cls.jawa_barat
        cls.customer_jt = cls.customer.copy(
            {"name": "Sri Wahyuni", "city": "Semarang", "state_id": cls.jawa_tengah.id}
        )
        # names of their own: the scorecard files deliveries by courier name
        cls.courier_a = cls._create_carrier(
            "Kurir Skor A", sequence=cls.sequence, shipment_promise="1 - 2 days"
        )
        cls.courier_b = cls._create_carrier(
            "Kurir Skor B", sequence=cls.sequence, shipment_promise="2 - 3 days"
        )
        # 20:00 in Jakarta ten days ago: the day ends four hours later
        cls.start = (fields.Datetime.now() - timedelta(days=10)).replace(
            hour=13, minute=0, second=0, microsecond=0
        )

    def _ship(self, carrier=None, partner=None, events=(), price=15000.0, qty=2.0):
        """A validated delivery booked at self.start, its shipping cost
        `price`, then the carrier's `events`: (shipment state, hours after
        the booking)."""
        picking = self._validate(
            self._create_picking(carrier or self.courier_a, partner, qty)
        )
        picking.write({"shipment_booked_at": self.start, "carrier_price": price})
        self._events(picking, events)
        return picking

    def _events(self, picking, events, parcels=None):
        picking._tracking_apply_events(
            [
                {
                    "event_time": self.start + timedelta(hours=hours),
                    "shipment_state": state,
                    "status_code": state.upper(),
                    "description": f"{state} after {hours} h",
                }
                for state, hours in events
            ],
            parcels=parcels,
        )

    def _scorecard(self, group_by=("courier", "service")):
        """get_scorecard of this class's couriers: {group values: row}."""
        carriers = (self.courier_a | self.courier_b).ids
        rows = self.env["delivery.carrier.scorecard"].get_scorecard(
            group_by=list(group_by), domain=[("carrier_id", "in", carriers)]
        )
        return {tuple(row[name] for name in group_by): row for row in rows}
