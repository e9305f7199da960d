from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..kiriminaja.client import SCHEDULES
from .common import KiriminAjaShippedCase


@tagged("post_install", "-at_install")
class TestKiriminAjaPickup(KiriminAjaShippedCase):
    """Schedule Pickup on KiriminAja deliveries, by the warehouse user: the
    windows are KiriminAja's open schedules (Jakarta time), and scheduling
    asks nothing more (its pickup is requested with each booking)."""

    def _booked_with_awb(self):
        picking = self._shipped()
        awb = self.server.process(picking.carrier_shipment_id)
        picking._tracking_set_number(awb)
        return picking.with_user(self.warehouse_user)

    def test_windows_are_its_schedules(self):
        pickings = self._booked_with_awb() | self._booked_with_awb()
        self.server.requests.clear()
        action = pickings.action_open_pickup_schedule()
        wizard = pickings.env[action["res_model"]].browse(action["res_id"])
        # the holiday (libur) is left out; 08:00-11:00 WIB is 01:00-04:00 UTC
        [window] = wizard.line_ids.window_ids
        self.assertEqual(
            (window.start, window.end),
            (datetime(2030, 2, 16, 1, 0), datetime(2030, 2, 16, 4, 0)),
        )
        self.assertEqual(window.reference, "2030-02-16 08:00:00")
        result = wizard.action_confirm()
        pickup = pickings.env["delivery.pickup"].browse(result["res_id"])
        self.assertEqual(pickup.state, "scheduled")
        self.assertEqual(pickup.picking_ids, pickings)
        # one schedules request for the wizard, nothing else asked of KiriminAja
        self.assertEqual([path for path, _body in self.server.requests], [SCHEDULES])

    def test_no_schedule_is_a_clear_error(self):
        picking = self._booked_with_awb()
        self.server.broken = (500, {"status": False, "text": "Server error"})
        with self.assertRaisesRegex(UserError, "KiriminAja did not give its pickup"):
            picking.action_open_pickup_schedule()
        self.assertFalse(picking.pickup_id)
