import json
import re
from unittest.mock import patch

from odoo.addons.base.tests.common import HttpCaseWithUserPortal
from odoo.addons.delivery_carrier_tracking.checkout_services import (
    mark_cheapest_fastest,
)
from odoo.exceptions import UserError
from odoo.tests import JsonRpcException, tagged

# A provider of the checkout contract, stood in on the fixed delivery type:
# (code, name, price, hours) in its order.
SERVICES = [
    ("kurir_a:reg", "Kurir A Reguler", 9.0, 72),
    ("kurir_b:exp", "Kurir B Express", 15.0, 24),
    ("kurir_c:eco", "Kurir C Ekonomi", 7.0, None),
]


@tagged("post_install", "-at_install")
class TestCheckoutServices(HttpCaseWithUserPortal):
    """The checkout's service list and choice, for any provider that answers
    the contract (delivery_carrier_tracking/models/delivery_carrier_checkout.py),
    as a portal customer and a public visitor call the routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_portal.write(
            {
                "street": "Jl. Braga 2",
                "city": "Bandung",
                "zip": "40111",
                "country_id": cls.env.ref("base.id").id,
                "state_id": cls.env["res.country.state"]
                .search([("country_id", "=", cls.env.ref("base.id").id)], limit=1)
                .id,
                "phone": "+62 22 555 0100",
                "email": "portal@example.com",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kopi Toraja",
                "type": "consu",
                "list_price": 10.0,
                "is_published": True,
                "sale_ok": True,
            }
        )

        def method(name, price):
            return cls.env["delivery.carrier"].create(
                {
                    "name": name,
                    "delivery_type": "fixed",
                    "fixed_price": price,
                    "product_id": cls.env["product.product"]
                    .create({"name": name, "type": "service"})
                    .id,
                    "is_published": True,
                }
            )

        cls.carrier = method("Kurir pilihan", 0.0)
        cls.fixed = method("Kurir Toko", 2.0)

    def setUp(self):
        super().setUp()
        self.requests = []  # one per call of the provider's services
        self.chosen = {}  # order id: code, the provider's record of the choice
        carrier_cls = type(self.env["delivery.carrier"])
        order_cls = type(self.env["sale.order"])
        test, rate_shopping_id = self, self.carrier.id
        fixed_rate_shipment = carrier_cls.fixed_rate_shipment
        set_delivery_line = order_cls.set_delivery_line

        def offers(carrier):
            return carrier.id == rate_shopping_id

        def services(carrier, order):
            test.requests.append(order.id)
            return [
                {
                    "code": code,
                    "courier": code.split(":")[0],
                    "service": code.split(":")[1],
                    "name": name,
                    "price": price,
                    "currency": "IDR",
                    "etd": f"{hours} hours" if hours else "",
                    "etd_hours": hours,
                    "cod": code == "kurir_a:reg",
                    "selected": code == test._code(carrier, order),
                }
                for code, name, price, hours in SERVICES
            ]

        def rate_shipment(carrier, order):
            if not offers(carrier):
                return fixed_rate_shipment(carrier, order)
            code = test._code(carrier, order)
            price = next(p for c, _n, p, _h in SERVICES if c == code)
            return {"success": True, "price": price, "error_message": False}

        def record(order, carrier, amount):
            for one in order:
                if offers(carrier):
                    test.chosen[one.id] = test._code(carrier, one)
            return set_delivery_line(order, carrier, amount)

        for cls, name, function in (
            (carrier_cls, "_fixed_offers_checkout_services", offers),
            (carrier_cls, "_fixed_checkout_services", services),
            (carrier_cls, "fixed_rate_shipment", rate_shipment),
            (order_cls, "set_delivery_line", record),
        ):
            patcher = patch.object(cls, name, function, create=True)
            patcher.start()
            self.addCleanup(patcher.stop)

    def _code(self, carrier, order):
        """The service priced for the order: the context's, else the chosen
        one, else the cheapest (the contract's rule for providers)."""
        return (
            carrier.env.context.get("checkout_service")
            or self.chosen.get(order.id)
            or "kurir_c:eco"
        )

    def _cart(self, login="portal"):
        self.authenticate(login, login)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 2}
        )
        return self.env["sale.order"].search(
            [("website_id", "!=", False)], order="id desc", limit=1
        )

    def test_badges_rule(self):
        services = mark_cheapest_fastest(
            [
                {"price": 9.0, "etd_hours": 72},
                {"price": 9.0, "etd_hours": 48},
                {"price": 20.0, "etd_hours": 24},
                {"price": 20.0, "etd_hours": None},
            ]
        )
        self.assertEqual([s["cheapest"] for s in services], [0, 1, 0, 0])
        self.assertEqual([s["fastest"] for s in services], [0, 0, 1, 0])
        self.assertEqual(mark_cheapest_fastest([]), [])

    def test_portal_customer_lists_and_chooses(self):
        cart = self._cart()
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertTrue(summary["success"])
        services = summary["delivery_services"]
        self.assertEqual([s["key"] for s in services], [c for c, *_ in SERVICES])
        self.assertEqual([s["key"] for s in services if s["cheapest"]], ["kurir_c:eco"])
        self.assertEqual([s["key"] for s in services if s["fastest"]], ["kurir_b:exp"])
        self.assertEqual([s["key"] for s in services if s["selected"]], ["kurir_c:eco"])
        self.assertEqual([s["cod"] for s in services], [True, False, False])
        self.assertIn("15.00", services[1]["amount"])
        self.assertEqual(services[1]["duration"], "24 hours")
        self.assertEqual(cart.order_line.filtered("is_delivery").price_unit, 7.0)

        summary = self.make_jsonrpc_request(
            "/shop/delivery_service",
            {"dm_id": self.carrier.id, "service": "kurir_b:exp"},
        )
        self.assertEqual(
            [s["key"] for s in summary["delivery_services"] if s["selected"]],
            ["kurir_b:exp"],
        )
        self.assertEqual(cart.carrier_id, self.carrier)
        self.assertEqual(self.chosen[cart.id], "kurir_b:exp")
        self.assertEqual(cart.order_line.filtered("is_delivery").price_unit, 15.0)
        # the rate answer of the method carries them too, the choice kept
        rate = self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )
        self.assertEqual(
            [s["key"] for s in rate["delivery_services"] if s["selected"]],
            ["kurir_b:exp"],
        )
        # another method: no services in its answers
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.fixed.id}
        )
        self.assertTrue(summary["success"])
        self.assertNotIn("delivery_services", summary)
        rate = self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )
        self.assertFalse(any(s["selected"] for s in rate["delivery_services"]))

    def test_refusals(self):
        cart = self._cart()
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "kurir_z:reg"},
            )
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service", {"dm_id": self.fixed.id, "service": "x:y"}
            )
        self.assertNotIn(cart.id, self.chosen)
        # an order being paid keeps its delivery
        self.make_jsonrpc_request(
            "/shop/delivery_service",
            {"dm_id": self.carrier.id, "service": "kurir_a:reg"},
        )
        provider = self.env.ref("payment.payment_provider_demo")
        provider.state = "test"
        self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "amount": cart.amount_total,
                "currency_id": cart.currency_id.id,
                "partner_id": cart.partner_id.id,
                "reference": f"{cart.name}-test",
                "sale_order_ids": [cart.id],
                "state": "pending",
            }
        )
        # the cart is no longer the customer's to change, nor the order's
        # delivery through the model
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "kurir_b:exp"},
            )
        with self.assertRaisesRegex(UserError, "already being paid"):
            cart._set_checkout_service(self.carrier, "kurir_b:exp")
        self.assertEqual(self.chosen[cart.id], "kurir_a:reg")

    def test_area_of_a_method_that_asks_none(self):
        """A method whose provider has no areas refuses a pick, by name."""
        cart = self._cart()
        response = self.url_open(
            "/shop/delivery_area",
            data=json.dumps(
                {"params": {"dm_id": self.fixed.id, "area": "5789"}}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertEqual(
            error["message"], "Kurir Toko does not ask for the area of an address."
        )
        self.assertFalse(cart.carrier_id)

    def test_public_visitor(self):
        self.authenticate(None, None)
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "kurir_a:reg"},
            )
        cart = self._cart(login=None)
        self.assertEqual(cart.partner_id, self.env.ref("base.public_partner"))
        visitor = self.env["res.partner"].create(
            {"name": "Visitor", "city": "Bandung", "email": "visitor@example.com"}
        )
        cart.write({"partner_id": visitor.id, "partner_shipping_id": visitor.id})
        rate = self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )
        self.assertEqual(len(rate["delivery_services"]), 3)
        summary = self.make_jsonrpc_request(
            "/shop/delivery_service",
            {"dm_id": self.carrier.id, "service": "kurir_a:reg"},
        )
        self.assertTrue(summary["success"])
        self.assertEqual(
            (cart.carrier_id, self.chosen[cart.id]), (self.carrier, "kurir_a:reg")
        )
        # another visitor's session cannot choose on this cart
        self.authenticate(None, None)
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "kurir_b:exp"},
            )
        self.assertEqual(self.chosen[cart.id], "kurir_a:reg")

    def test_checkout_page_has_the_list(self):
        self._cart()
        self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        response = self.url_open("/shop/checkout")
        self.assertTrue(response.url.endswith("/shop/checkout"), response.url)
        lists = re.findall(r'<ul name="o_delivery_services"[^>]*>', response.text)
        self.assertEqual(len(lists), 1, lists)
        self.assertIn(f'data-dm-id="{self.carrier.id}"', lists[0])
