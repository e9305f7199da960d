from datetime import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import (
    TrackingCommon,
    create_ready_delivery,
    race,
    remove_committed_delivery,
)


@tagged("post_install", "-at_install")
class TestPickup(TrackingCommon):
    """Courier pickups of booked deliveries, scheduled by a warehouse user
    without sales rights: one pickup per carrier and warehouse, one carrier
    call per pickup, windows after the cut-off on the next day, the
    handover manifest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Jakarta"
        cls.carrier.write({"pickup_cutoff_hour": 14.0, "pickup_window_hours": 3.0})
        cls.stock_user = new_test_user(
            cls.env, "pickup_gudang", groups="stock.group_stock_user"
        )
        cls.portal = new_test_user(cls.env, "pickup_portal", groups="base.group_portal")

    def setUp(self):
        super().setUp()
        self.calls = []

        def fixed_schedule_pickup(_carrier, pickings, window):
            self.calls.append((pickings, window))
            return f"PU-{len(self.calls)}"

        patcher = patch.object(
            type(self.env["delivery.carrier"]),
            "fixed_schedule_pickup",
            fixed_schedule_pickup,
            create=True,
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def _booked(self):
        picking = self._validate(self._create_picking())
        self.assertTrue(picking.carrier_tracking_ref)
        return picking

    def _schedule(self, pickings, user=None):
        """The list action and the wizard's Schedule, as `user`."""
        pickings = pickings.with_user(user or self.stock_user)
        action = pickings.action_open_pickup_schedule()
        wizard = pickings.env[action["res_model"]].browse(action["res_id"])
        result = wizard.action_confirm()
        return wizard, pickings.env["delivery.pickup"].browse(result["res_id"])

    def test_two_deliveries_one_pickup_one_call(self):
        self.assertFalse(self.stock_user.has_group("sales_team.group_sale_salesman"))
        first, second = self._booked(), self._booked()
        wizard, pickup = self._schedule(first | second)
        self.assertEqual(len(wizard.line_ids), 1)
        self.assertEqual(len(wizard.line_ids.window_ids), 2)
        self.assertEqual(pickup.state, "scheduled")
        self.assertEqual(pickup.picking_ids, first | second)
        self.assertEqual((first | second).mapped("pickup_state"), ["scheduled"] * 2)
        self.assertEqual(pickup.provider_reference, "PU-1")
        self.assertEqual(len(self.calls), 1)
        self.assertEqual(self.calls[0][0], first | second)
        self.assertEqual(self.calls[0][1]["start"], pickup.window_start)
        self.assertTrue(pickup.name.startswith("PICKUP/"))

        # scheduled again: no second call
        pickup.action_schedule()
        self.assertEqual(len(self.calls), 1)
        # the same deliveries again: refused, nothing created
        with self.assertRaisesRegex(UserError, f"{first.name}: already in pickup"):
            first.with_user(self.stock_user).action_open_pickup_schedule()
        self.assertEqual(len(self.calls), 1)
        self.assertEqual(
            self.env["delivery.pickup"].search_count(
                [("carrier_id", "=", self.carrier.id)]
            ),
            1,
        )
        # cancelled: they may go into another pickup
        pickup.with_user(self.stock_user).action_cancel()
        _wizard, again = self._schedule(first)
        self.assertEqual(first.pickup_id, again)
        self.assertEqual(len(self.calls), 2)

    def test_picked_up_when_the_carrier_reports_every_parcel(self):
        first, second = self._booked(), self._booked()
        __, pickup = self._schedule(first | second)
        event = {
            "event_time": datetime(2026, 2, 16, 8, 0),
            "shipment_state": "picked_up",
            "status_code": "PICKED",
            "description": "Picked up by the courier",
        }
        first.sudo()._tracking_apply_events([event])
        self.assertEqual(pickup.state, "scheduled")
        second.sudo()._tracking_apply_events([dict(event, shipment_state="in_transit")])
        self.assertEqual(pickup.state, "picked_up")

    def test_not_booked_delivery_named_nothing_created(self):
        booked = self._booked()
        unbooked = self._create_picking()  # ready, no tracking number
        wizards = self.env["delivery.pickup.schedule"].search_count([])
        with self.assertRaises(UserError) as error:
            (booked | unbooked).with_user(self.stock_user).action_open_pickup_schedule()
        message = str(error.exception)
        self.assertIn(f"{unbooked.name}: not booked", message)
        self.assertNotIn(booked.name, message)
        self.assertEqual(self.env["delivery.pickup.schedule"].search_count([]), wizards)
        self.assertFalse(
            self.env["delivery.pickup"]
            .search([])
            .filtered(lambda p: p.carrier_id == self.carrier)
        )
        self.assertFalse(self.calls)

    def test_after_cutoff_next_day_window(self):
        picking = self._booked()
        # 12:00 in Jakarta (UTC+7): today's window, 14:00-17:00
        with freeze_time(datetime(2026, 12, 8, 5, 0)):
            windows = self.carrier._pickup_windows(picking)
        self.assertEqual(windows[0]["start"], datetime(2026, 12, 8, 7, 0))
        self.assertEqual(windows[0]["end"], datetime(2026, 12, 8, 10, 0))
        # 15:00 in Jakarta: past the cut-off, tomorrow's first
        with freeze_time(datetime(2026, 12, 8, 8, 0)):
            wizard, pickup = self._schedule(picking)
        self.assertEqual(
            wizard.line_ids.window_ids.mapped("name"),
            ["Wed 9 Dec 14:00 - 17:00", "Thu 10 Dec 14:00 - 17:00"],
        )
        self.assertEqual(pickup.window_start, datetime(2026, 12, 9, 7, 0))
        self.assertEqual(pickup.window_end, datetime(2026, 12, 9, 10, 0))

    def test_provider_windows_and_slot_reference(self):
        """A provider's own windows (<type>_pickup_windows): the chosen one's
        slot reference reaches its <type>_schedule_pickup call."""
        slot = {
            "start": datetime(2030, 1, 2, 2, 0),
            "end": datetime(2030, 1, 2, 4, 0),
            "reference": "SLOT-7",
            "label": "Morning",
        }
        picking = self._booked()
        with patch.object(
            type(self.env["delivery.carrier"]),
            "fixed_pickup_windows",
            lambda _carrier, _pickings: [slot],
            create=True,
        ):
            wizard, pickup = self._schedule(picking)
        self.assertEqual(
            wizard.line_ids.window_id.name, "Morning: Wed 2 Jan 09:00 - 11:00"
        )
        self.assertEqual(pickup.window_reference, "SLOT-7")
        self.assertEqual(self.calls[0][1]["reference"], "SLOT-7")
        self.assertEqual(self.calls[0][1]["start"], slot["start"])

    def test_carrier_refusal_noted_pickup_stays_draft(self):
        def fixed_schedule_pickup(_carrier, _pickings, _window):
            raise ConnectionError("no courier in your area today")

        picking = self._booked()
        with patch.object(
            type(self.env["delivery.carrier"]),
            "fixed_schedule_pickup",
            fixed_schedule_pickup,
        ):
            _wizard, pickup = self._schedule(picking)
        self.assertEqual(pickup.state, "draft")
        self.assertEqual(picking.pickup_id, pickup)
        self.assertIn("no courier in your area", pickup.message_ids[0].body)
        self.assertEqual(pickup.activity_ids.user_id, self.stock_user)
        pickup.with_user(self.stock_user).action_schedule()
        self.assertEqual(pickup.state, "scheduled")
        self.assertEqual(len(self.calls), 1)

    def test_manifest(self):
        first, second = self._booked(), self._booked()
        _wizard, pickup = self._schedule(first | second)
        Report = self.env["ir.actions.report"].with_user(self.stock_user)
        report = "delivery_carrier_tracking.report_handover_manifest"
        html = Report._render_qweb_html(report, pickup.ids)[0].decode()
        for picking in first | second:
            self.assertIn(picking.carrier_tracking_ref, html)
            self.assertIn(picking.name, html)
        self.assertIn("Test Courier", html)
        self.assertIn("Received by (driver)", html)
        # the window at the warehouse (Jakarta), without seconds
        self.assertIn("14:00", html)
        self.assertIn("17:00", html)
        self.assertNotIn("07:00", html)
        pdf = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report, pickup.ids
        )[0]
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_portal_user_has_no_access(self):
        picking = self._booked()
        _wizard, pickup = self._schedule(picking)
        with self.assertRaises(AccessError):
            pickup.with_user(self.portal).read(["name"])
        with self.assertRaises(AccessError):
            self.env["delivery.pickup"].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.env["delivery.pickup.schedule"].with_user(self.portal).create({})

    def test_two_schedulers_at_once_one_pickup(self):
        """Two users schedule the same delivery at once (real, committed
        transactions): one pickup, one carrier call; the other is refused."""

        def setup(env):
            picking = create_ready_delivery(env, {"name": "Concurrent Pickups"})
            picking.carrier_tracking_ref = "CONC0001"
            return picking.id, picking.carrier_id.id

        picking_id, carrier_id = self._in_new_transaction(setup)

        def cleanup(env):
            picking = env["stock.picking"].browse(picking_id)
            products = picking.move_ids.product_id | picking.carrier_id.product_id
            env["delivery.pickup"].search([("carrier_id", "=", carrier_id)]).unlink()
            picking.parcel_ids.unlink()
            remove_committed_delivery(env, picking_id, carrier_id, products.ids)

        self.addCleanup(self._in_new_transaction, cleanup)

        def schedule(env):
            picking = env["stock.picking"].browse(picking_id)
            action = picking.action_open_pickup_schedule()
            env[action["res_model"]].browse(action["res_id"]).action_confirm()

        outcomes = race(self.env.cr.dbname, schedule)
        self.assertIn("ok", outcomes)
        self.assertEqual(len(self.calls), 1)
        pickups = self._in_new_transaction(
            lambda env: (
                env["delivery.pickup"]
                .search([("carrier_id", "=", carrier_id)])
                .mapped("state")
            )
        )
        self.assertEqual(pickups, ["scheduled"])
