import json
import unittest
from datetime import datetime

from odoo.addons.delivery_biteship.biteship.tracking import tracking_news
from odoo.addons.delivery_biteship.tests.common import (
    REAL_PAYLOADS,
    BiteshipCommon,
    real_payload,
)
from odoo.addons.delivery_carrier_scorecard.scorecard_rules import promise_days
from odoo.addons.delivery_carrier_scorecard.tests.common import ScorecardCommon
from odoo.tests import new_test_user, tagged

from ..hooks import post_init_hook


class TestQuotedDurations(unittest.TestCase):
    def test_every_duration_biteship_quoted(self):
        """Each service of the captured rates answers: its `duration` text
        reads as the upper bound of shipment_duration_range in its unit."""
        checked = 0
        for path in sorted(REAL_PAYLOADS.glob("*rates*response*.json")):
            answer = json.loads(path.read_text())
            for entry in answer.get("pricing") or answer.get("rates") or [answer]:
                span = entry.get("shipment_duration_range")
                if not (entry.get("duration") and span):
                    continue
                top = max(float(number) for number in span.split("-"))
                unit = entry.get("shipment_duration_unit") or "days"
                with self.subTest(file=path.name, duration=entry["duration"]):
                    self.assertAlmostEqual(
                        promise_days(entry["duration"]),
                        top / 24 if unit.startswith("hour") else top,
                    )
                checked += 1
        self.assertGreaterEqual(checked, 15, "the captured rates were not read")


@tagged("post_install", "-at_install")
class TestBiteshipScorecard(BiteshipCommon, ScorecardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shopping = cls._create_biteship_carrier(
            "Biteship couriers",
            checkout_rate_shopping=True,
            biteship_services="jne:reg, jnt:ez, sicepat:reg, anteraja:reg",
        )

    def _chosen_service_delivery(self, service, user=None):
        order = self._sale_order()
        order._set_checkout_service(self.shopping, service)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 3, "picked": True})
        return self._validate(picking.with_user(user or self.env.user)).sudo()

    def test_booked_service_and_quoted_duration(self):
        # validated by a warehouse user without sales rights
        clerk = new_test_user(
            self.env, login="scorecard.warehouse", groups="stock.group_stock_user"
        )
        picking = self._chosen_service_delivery("jnt:ez", clerk)
        self.assertEqual(
            (
                picking.shipment_courier,
                picking.shipment_service,
                picking.shipment_promise,
                picking.shipment_promise_days,
            ),
            ("JNT", "EZ", "2 - 3 days", 3.0),
        )
        # a one-service method: its own courier service and quoted time
        self.biteship.shipment_promise = "1 - 2 days"
        fixed = ScorecardCommon._ship(self, self.biteship)
        self.assertEqual(
            (fixed.shipment_courier, fixed.shipment_service, fixed.shipment_promise),
            ("JNE", "REG", "1 - 2 days"),
        )

    def test_real_tracking_history_measured(self):
        """J&T's real public tracking answer replayed on a J&T EZ delivery
        booked the morning before: picked 9 March 15:43, delivered 11 March
        11:30 (Jakarta), 2 calendar days for a quoted "2 - 3 days"."""
        picking = self._chosen_service_delivery("jnt:ez")
        picking.shipment_booked_at = datetime(2023, 3, 9, 1, 0)  # 08:00 WIB
        picking._biteship_apply_tracking(
            tracking_news(real_payload("tracking_response_1_real_public_jnt.json"))
        )
        parcel = picking.parcel_ids
        self.assertEqual(parcel.shipment_state, "delivered")
        self.assertEqual(parcel.scorecard_picked_up_at, datetime(2023, 3, 9, 8, 43))
        self.assertEqual(parcel.scorecard_delivered_at, datetime(2023, 3, 11, 4, 30))
        self.assertEqual(parcel.scorecard_punctuality, "on_time")
        [row] = self.env["delivery.carrier.scorecard"].get_scorecard(
            group_by=["courier", "service"],
            domain=[("picking_id", "=", picking.id)],
        )
        self.assertEqual(
            (
                row["courier"],
                row["service"],
                row["days_to_pickup"],
                row["on_time_rate"],
            ),
            ("JNT", "EZ", 0.3, 100.0),
        )
        # the same trip under a "1 days" promise is late
        picking.shipment_promise_days = 1.0
        self.assertEqual(parcel.scorecard_punctuality, "late")

    def test_deliveries_booked_before_the_module(self):
        picking = self._chosen_service_delivery("sicepat:reg")
        picking.write({"shipment_courier": False, "shipment_service": False})
        post_init_hook(self.env)
        self.assertEqual(
            (picking.shipment_courier, picking.shipment_service), ("SICEPAT", "REG")
        )

    def test_badges_beside_the_services(self):
        website = self.env["website"].get_current_website()
        website.scorecard_badges = True
        (self.biteship | self.shopping).is_published = True
        self.product.write({"is_published": True, "sale_ok": True})
        # three JNE REG deliveries booked with Biteship, two on time
        self.biteship.shipment_promise = "1 - 2 days"
        for hours in (20, 30, 90):
            ScorecardCommon._ship(
                self, self.biteship, events=[("picked_up", 1), ("delivered", hours)]
            )
        shopper = new_test_user(
            self.env, login="biteship.shopper", groups="base.group_portal"
        )
        shopper.partner_id.write(
            {
                "email": "biteship.shopper@example.com",
                "street": "Jl. Braga 2",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 4444",
                "state_id": self.jawa_barat.id,
                "country_id": self.country_id.id,
            }
        )
        self.authenticate("biteship.shopper", "biteship.shopper")
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.shopping.id}
        )
        badges = {
            service["key"]: service["scorecard_badge"]
            for service in summary["delivery_services"]
        }
        self.assertEqual(
            badges,
            {
                "jne:reg": {
                    "text": "On time 67 %",
                    "title": "67 % of 3 recent deliveries to Jawa Barat arrived "
                    "within the quoted delivery time.",
                },
                "jnt:ez": False,
                "sicepat:reg": False,
                "anteraja:reg": False,
            },
        )
        # the one-service JNE REG method has the same badge beside it; the
        # rate-shopping method none of its own
        html = self.make_jsonrpc_request("/shop/delivery_methods")
        self.assertEqual(html.count('name="o_scorecard_badge"'), 1)
        self.assertRegex(html, r"Biteship JNE REG</label>\s*<span[^>]*>On time 67 %")
        # as the browser renders them
        self.start_tour(
            "/shop/checkout", "delivery_biteship_scorecard_badges", login=shopper.login
        )
        website.scorecard_badges = False
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.shopping.id}
        )
        self.assertNotIn("scorecard_badge", summary["delivery_services"][0])
