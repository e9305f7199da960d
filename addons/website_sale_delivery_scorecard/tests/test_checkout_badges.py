import re

from odoo.addons.delivery_carrier_scorecard.tests.common import ScorecardCommon
from odoo.tests import JsonRpcException, new_test_user, tagged

BADGE = re.compile(
    r'<label class="o_delivery_carrier_label"[^>]*>([^<]*)</label>\s*'
    r'<span name="o_scorecard_badge"[^>]*title="([^"]*)"[^>]*>([^<]*)</span>'
)


@tagged("post_install", "-at_install")
class TestCheckoutBadges(ScorecardCommon):
    """The delivery step of the checkout as shoppers get it: the badge
    beside a method with enough deliveries behind it, nothing else of the
    scorecard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.website.scorecard_badges = True
        (cls.courier_a | cls.courier_b).is_published = True
        cls.shopper = new_test_user(
            cls.env, login="badge.shopper", groups="base.group_portal"
        )
        cls.shopper.partner_id.write(
            {
                "street": "Jl. Braga 2",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 3333",
                "country_id": cls.country_id.id,
                "state_id": cls.jawa_barat.id,
            }
        )
        cls.product.write(
            {"is_published": True, "sale_ok": True, "list_price": 50000.0}
        )

    def setUp(self):
        super().setUp()
        # courier A: 3 deliveries to Jawa Barat, 2 on time; B: one only
        for hours in (20, 30, 90):
            self._ship(events=[("picked_up", 1), ("delivered", hours)])
        self._ship(self.courier_b, events=[("picked_up", 1), ("delivered", 20)])

    def _delivery_step(self, login):
        self.authenticate(login, login)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        html = self.make_jsonrpc_request("/shop/delivery_methods")
        self.assertIn("Kurir Skor B", html)
        return {
            label.strip(): (text, title) for label, title, text in BADGE.findall(html)
        }

    def test_portal_customer_sees_the_badge(self):
        self.assertEqual(
            self._delivery_step("badge.shopper"),
            {
                "Kurir Skor A": (
                    "On time 67 %",
                    (
                        "67 % of 3 recent deliveries to Jawa Barat arrived within "
                        "the quoted delivery time."
                    ),
                )
            },
        )

    def test_public_visitor_sees_the_country_rate(self):
        badges = self._delivery_step(None)
        self.assertEqual(badges["Kurir Skor A"][0], "On time 67 %")
        self.assertNotIn("Jawa Barat", badges["Kurir Skor A"][1])

    def test_no_badge_unless_the_website_shows_them(self):
        self.website.scorecard_badges = False
        self.assertEqual(self._delivery_step("badge.shopper"), {})

    def test_no_badge_without_enough_deliveries(self):
        self.env.company.scorecard_min_deliveries = 4
        self.assertEqual(self._delivery_step("badge.shopper"), {})

    def test_shoppers_cannot_read_the_scorecard(self):
        call = {
            "model": "delivery.carrier.scorecard",
            "method": "get_scorecard",
            "args": [],
            "kwargs": {},
        }
        self.authenticate("badge.shopper", "badge.shopper")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.make_jsonrpc_request("/web/dataset/call_kw", call)
        self.authenticate(None, None)
        with self.assertRaisesRegex(JsonRpcException, "SessionExpired"):
            self.make_jsonrpc_request("/web/dataset/call_kw", call)
