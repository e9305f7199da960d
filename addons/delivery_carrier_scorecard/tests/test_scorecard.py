import xmlrpc.client
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..hooks import post_init_hook
from .common import ScorecardCommon


@tagged("post_install", "-at_install")
class TestScorecard(ScorecardCommon):
    def _packed_picking(self, weights, carrier=None):
        """A delivery of one unit per package, the packages weighing
        `weights`."""
        picking = self._create_picking(carrier or self.courier_a, qty=len(weights))
        line = picking.move_line_ids
        line.quantity = 1.0
        for _i in range(len(weights) - 1):
            line.copy({"quantity": 1.0, "move_id": line.move_id.id})
        Package = self.env["stock.quant.package"]
        for weight, line in zip(weights, picking.move_line_ids, strict=True):
            line.result_package_id = Package.create({"shipping_weight": weight})
        return picking

    def test_booking_is_stamped_once(self):
        picking = self._validate(self._create_picking(self.courier_a))
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(
            (
                picking.shipment_courier,
                picking.shipment_service,
                picking.shipment_promise,
                picking.shipment_promise_days,
            ),
            ("Kurir Skor A", False, "1 - 2 days", 2.0),
        )
        booked = picking.shipment_booked_at
        self.assertTrue(booked)
        # a new number or promise later changes nothing of the booking
        self.courier_a.shipment_promise = "3 days"
        picking.shipment_booked_at -= timedelta(hours=1)
        self.assertTrue(picking._tracking_set_number("TST-RENUMBERED"))
        self.assertEqual(picking.shipment_booked_at, booked - timedelta(hours=1))
        self.assertEqual(picking.shipment_promise, "1 - 2 days")

    def test_scorecard_files_under_the_booked_courier_service(self):
        """The scorecard's courier and service are the delivery's one booked
        courier service (delivery_carrier_tracking's), as the freight
        audit's."""
        picking = self._ship(events=[("picked_up", 1), ("delivered", 30)])
        self.assertIn(("Kurir Skor A", ""), self._scorecard())
        picking.write({"shipment_courier": "JNE", "shipment_service": "REG"})
        self.env.flush_all()
        self.assertEqual(list(self._scorecard()), [("JNE", "REG")])

    def test_warehouse_user_books(self):
        clerk = new_test_user(
            self.env, login="scorecard.warehouse", groups="stock.group_stock_user"
        )
        picking = self._create_picking(self.courier_a).with_user(clerk)
        self._validate(picking)
        self.assertEqual(picking.sudo().shipment_courier, "Kurir Skor A")

    def test_waybill_typed_later_is_the_booking(self):
        counter = self._create_carrier(
            "Kurir Loket", tracking_create_label=False, shipment_promise="1 - 3 Hours"
        )
        picking = self._validate(self._create_picking(counter))
        self.assertFalse(picking.shipment_state)
        self.assertFalse(picking.shipment_booked_at)
        picking.action_set_tracking_number("LKT0001")
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertTrue(picking.shipment_booked_at)
        self.assertEqual(picking.shipment_courier, "Kurir Loket")
        self.assertAlmostEqual(picking.shipment_promise_days, 0.125)

    def test_milestones_from_the_events(self):
        picking = self._validate(self._packed_picking([1.0, 2.0]))
        picking.write({"shipment_booked_at": self.start, "carrier_price": 30000.0})
        first, second = picking.parcel_ids
        # a courier that reports "in transit" before its pickup scan arrives
        self._events(picking, [("label_created", 1), ("in_transit", 20)])
        self.assertEqual(first.scorecard_picked_up_at, self.start + timedelta(hours=20))
        self._events(picking, [("picked_up", 5)])
        self.assertEqual(first.scorecard_picked_up_at, self.start + timedelta(hours=5))
        self.assertEqual(second.scorecard_picked_up_at, self.start + timedelta(hours=5))
        # one parcel's exception is that parcel's only
        self._events(picking, [("exception", 30)], parcels=second)
        self.assertEqual(
            (first.scorecard_exception, second.scorecard_exception), (False, True)
        )
        self._events(picking, [("delivered", 40)], parcels=first)
        self._events(picking, [("delivered", 45)], parcels=second)
        self.assertEqual(
            picking.parcel_ids.mapped("scorecard_delivered_at"),
            [self.start + timedelta(hours=40), self.start + timedelta(hours=45)],
        )
        # the shipping cost shared by weight, following the carrier's price
        self.assertEqual(picking.parcel_ids.mapped("scorecard_cost"), [10000, 20000])
        picking._tracking_set_price(45000.0)
        self.assertEqual(picking.parcel_ids.mapped("scorecard_cost"), [15000, 30000])

    def test_punctuality_in_the_shop_calendar(self):
        # booked Monday 20:00 in Jakarta, picked up 21:00, "1 - 2 days"
        late_evening = self._ship(events=[("picked_up", 1), ("delivered", 51.5)])
        after_midnight = self._ship(events=[("picked_up", 1), ("delivered", 52.5)])
        on_the_way = self._ship(events=[("picked_up", 1)])
        returned = self._ship(events=[("picked_up", 1), ("returned", 30)])
        self.courier_a.shipment_promise = False
        unquoted = self._ship(events=[("delivered", 5)])
        self.assertEqual(
            [
                p.parcel_ids.scorecard_punctuality
                for p in (late_evening, after_midnight, on_the_way, returned, unquoted)
            ],
            ["on_time", "late", False, False, False],
        )

    def test_scorecard_figures(self):
        self._ship(events=[("picked_up", 2), ("delivered", 30)])
        self._ship(
            events=[("picked_up", 3), ("exception", 20), ("delivered", 70)], qty=4.0
        )
        self._ship(
            events=[("picked_up", 2), ("exception", 30), ("returned", 80)],
            price=30000.0,
        )
        self._ship(events=[("picked_up", 5)])
        self._ship(
            self.courier_b,
            self.customer_jt,
            events=[("in_transit", 10), ("delivered", 75)],
            price=30000.0,
            qty=4.0,
        )
        rows = self._scorecard()
        self.assertEqual(
            rows["Kurir Skor A", ""],
            {
                "courier": "Kurir Skor A",
                "service": "",
                "parcels": 4,
                "picked_up": 4,
                "delivered": 2,
                "finished": 3,
                "judged_deliveries": 2,
                "on_time_deliveries": 1,
                "on_time_rate": 50.0,
                "days_to_pickup": 0.1,  # 3 hours on average
                "days_to_delivery": 2.1,  # 50 hours
                "exception_rate": 66.7,
                "return_rate": 33.3,
                "weight": 7.5,
                "cost": 75000.0,
                # 60,000 over the 6 kg of the finished parcels (an average of
                # their ratios would say 11,666.67)
                "cost_per_kg": 10000.0,
            },
        )
        other = rows["Kurir Skor B", ""]
        self.assertEqual(
            (other["on_time_rate"], other["days_to_pickup"], other["cost_per_kg"]),
            (100.0, 0.4, 10000.0),
        )
        by_province = self._scorecard(["courier", "province"])
        self.assertEqual(
            sorted(by_province),
            [("Kurir Skor A", "Jawa Barat"), ("Kurir Skor B", "Jawa Tengah")],
        )
        self.assertEqual(
            by_province["Kurir Skor B", "Jawa Tengah"]["province_code"], "JT"
        )
        [month] = self._scorecard(["month"])
        self.assertEqual(month, (self.start.strftime("%Y-%m"),))

    def test_rows_are_json_safe(self):
        self._ship(events=[("picked_up", 2)])  # nothing finished yet
        rows = self.env["delivery.carrier.scorecard"].get_scorecard(
            group_by=["courier", "service", "province", "country", "carrier", "month"],
            domain=[("carrier_id", "=", self.courier_a.id)],
        )
        [row] = rows
        self.assertIs(row["on_time_rate"], False)
        self.assertIs(row["days_to_delivery"], False)
        self.assertEqual(row["country"], "Indonesia")
        xmlrpc.client.dumps((rows,), allow_none=False)

    def test_grouping_asked_for_must_exist(self):
        Scorecard = self.env["delivery.carrier.scorecard"]
        with self.assertRaisesRegex(UserError, r"asked: courier, driver"):
            Scorecard.get_scorecard(group_by=["courier", "driver"])
        with self.assertRaises(UserError):
            Scorecard.get_scorecard(group_by=[])

    def test_checkout_badges(self):
        for events in ([("delivered", 20)], [("delivered", 30)], [("delivered", 90)]):
            self._ship(events=[("picked_up", 1), *events])
        self._ship(
            partner=self.customer_jt, events=[("picked_up", 1), ("delivered", 30)]
        )
        # booked before the period: not counted
        old = self._ship(events=[("picked_up", 1), ("delivered", 90)])
        old.shipment_booked_at -= timedelta(days=40)
        self.env.company.scorecard_days = 30
        self._ship(self.courier_b, events=[("picked_up", 1), ("delivered", 20)])
        methods = self.courier_a | self.courier_b

        def badges(partner):
            order = self.env["sale.order"].create({"partner_id": partner.id})
            return methods._scorecard_checkout_badges(order)

        # enough deliveries to Jawa Barat: its own rate, 2 of 3
        self.assertEqual(
            badges(self.customer),
            {
                self.courier_a.id: {
                    "text": "On time 67 %",
                    "title": "67 % of 3 recent deliveries to Jawa Barat arrived "
                    "within the quoted delivery time.",
                }
            },
        )
        # too few to Jawa Tengah: the whole country's, 3 of 4
        self.assertEqual(
            badges(self.customer_jt)[self.courier_a.id]["text"], "On time 75 %"
        )
        self.env.company.scorecard_min_deliveries = 5
        self.assertEqual(badges(self.customer), {})

    def test_report_for_managers_only(self):
        self._ship(events=[("picked_up", 2), ("delivered", 30)])
        Scorecard = self.env["delivery.carrier.scorecard"]
        for groups in ("stock.group_stock_manager", "sales_team.group_sale_manager"):
            manager = new_test_user(self.env, login=groups, groups=groups)
            rows = Scorecard.with_user(manager).get_scorecard(
                domain=[("carrier_id", "=", self.courier_a.id)]
            )
            self.assertEqual(rows[0]["on_time_rate"], 100.0)
        for groups in (
            "stock.group_stock_user",
            "sales_team.group_sale_salesman_all_leads",
            "base.group_portal",
        ):
            user = new_test_user(self.env, login=groups, groups=groups)
            with self.assertRaises(AccessError):
                Scorecard.with_user(user).get_scorecard()
            with self.assertRaises(AccessError):
                Scorecard.with_user(user).search_read([], ["on_time_rate"])

    def test_xmlrpc_export(self):
        self._ship(events=[("picked_up", 2), ("delivered", 30)])
        db = self.env.cr.dbname
        manager = new_test_user(
            self.env, login="scorecard.rpc", groups="stock.group_stock_manager"
        )
        clerk = new_test_user(
            self.env, login="scorecard.clerk", groups="stock.group_stock_user"
        )
        rows = self.xmlrpc_object.execute_kw(
            db,
            manager.id,
            "scorecard.rpc",
            "delivery.carrier.scorecard",
            "get_scorecard",
            [],
            {
                "group_by": ["courier", "province", "month"],
                "domain": [["carrier_id", "=", self.courier_a.id]],
            },
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (rows[0]["courier"], rows[0]["province"], rows[0]["on_time_rate"]),
            ("Kurir Skor A", "Jawa Barat", 100.0),
        )
        with self.assertRaisesRegex(xmlrpc.client.Fault, "AccessError|not allowed"):
            self.xmlrpc_object.execute_kw(
                db,
                clerk.id,
                "scorecard.clerk",
                "delivery.carrier.scorecard",
                "get_scorecard",
                [],
                {},
            )

    def test_deliveries_booked_before_the_module(self):
        picking = self._ship(events=[("picked_up", 1), ("delivered", 30)])
        picking.write(
            {
                "shipment_booked_at": False,
                "shipment_courier": False,
                "shipment_promise_days": 0.0,
            }
        )
        self.assertFalse(picking.parcel_ids.scorecard_punctuality)
        self.assertFalse(self._scorecard())
        picking.date_done = self.start
        post_init_hook(self.env)
        self.assertEqual(
            (
                picking.shipment_booked_at,
                picking.shipment_courier,
                picking.shipment_promise_days,
            ),
            (self.start, "Kurir Skor A", 2.0),
        )
        self.assertEqual(picking.parcel_ids.scorecard_punctuality, "on_time")
        self.assertEqual(self._scorecard()["Kurir Skor A", ""]["on_time_rate"], 100.0)

    def test_back_office_menus_and_views(self):
        menus = self.env.ref(
            "delivery_carrier_scorecard.menu_delivery_carrier_scorecard"
        ) | self.env.ref(
            "delivery_carrier_scorecard.menu_delivery_carrier_scorecard_sale"
        )
        action = self.env.ref(
            "delivery_carrier_scorecard.action_delivery_carrier_scorecard"
        )
        for groups, visible in (
            ("stock.group_stock_manager", "menu_delivery_carrier_scorecard"),
            ("sales_team.group_sale_manager", "menu_delivery_carrier_scorecard_sale"),
        ):
            manager = new_test_user(self.env, login=f"menu.{groups}", groups=groups)
            shown = menus.with_user(manager)._filter_visible_menus()
            self.assertEqual(
                list(shown.get_external_id().values()),
                [f"delivery_carrier_scorecard.{visible}"],
            )
            views = (
                self.env[action.res_model]
                .with_user(manager)
                .get_views([(False, "graph"), (False, "list"), (False, "pivot")])
            )
            self.assertEqual(set(views["views"]), {"graph", "list", "pivot"})
        clerk = new_test_user(
            self.env, login="menu.clerk", groups="stock.group_stock_user"
        )
        self.assertFalse(menus.with_user(clerk)._filter_visible_menus())
