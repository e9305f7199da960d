from odoo.addons.base.tests.common import HttpCaseWithUserPortal
from odoo.addons.delivery_biteship.tests.common import API_KEY, BiteshipStandInMixin
from odoo.tests import JsonRpcException, tagged


@tagged("post_install", "-at_install")
class TestCheckoutServices(BiteshipStandInMixin, HttpCaseWithUserPortal):
    """Biteship's services through the generic checkout routes
    (website_sale_delivery_services) as the portal customer and a public
    visitor call them, on the stand-in Biteship."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.write(
            {
                "street": "Jl. Gudang 1",
                "city": "Jakarta",
                "zip": "10110",
                "phone": "+62 21 555 0100",
            }
        )
        cls.partner_portal.write(
            {"street": "Jl. Braga 2", "city": "Bandung", "zip": "40111"}
        )
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.env.ref("base.IDR").id, "rate": 16000.0}
        )
        service_product = cls.env["product.product"].create(
            {"name": "Biteship couriers", "type": "service"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Biteship couriers",
                "delivery_type": "biteship",
                "product_id": service_product.id,
                "is_published": True,
                "biteship_api_key": API_KEY,
                "biteship_base_url": cls.server.url,
                "checkout_rate_shopping": True,
                "biteship_services": "jne:reg, jnt:ez, sicepat:reg, anteraja:reg, "
                "gojek:instant, grab:instant",
                "biteship_timeout": 2.0,
            }
        )
        cls.fixed = cls.env["delivery.carrier"].create(
            {
                "name": "Kurir Toko",
                "delivery_type": "fixed",
                "fixed_price": 2.0,
                "product_id": cls.env["product.product"]
                .create({"name": "Kurir Toko", "type": "service"})
                .id,
                "is_published": True,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kopi Toraja",
                "type": "consu",
                "weight": 1.0,
                "list_price": 10.0,
                "is_published": True,
                "sale_ok": True,
            }
        )

    def _cart(self, login="portal"):
        self.authenticate(login, login)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 2}
        )
        return self.env["sale.order"].search(
            [("partner_id", "=", self.partner_portal.id)], order="id desc", limit=1
        )

    def test_services_with_the_rate_and_choice(self):
        cart = self._cart()
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertTrue(summary["success"])
        services = summary["delivery_services"]
        # no coordinates: no instant courier
        self.assertEqual(
            [s["key"] for s in services],
            ["jne:reg", "jnt:ez", "sicepat:reg", "anteraja:reg"],
        )
        self.assertEqual([s["key"] for s in services if s["cheapest"]], ["sicepat:reg"])
        self.assertEqual([s["key"] for s in services if s["selected"]], ["sicepat:reg"])
        self.assertEqual(services[1]["duration"], "2 - 3 days")
        rate = self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )
        self.assertEqual(len(rate["delivery_services"]), 4)

        summary = self.make_jsonrpc_request(
            "/shop/delivery_service",
            {"dm_id": self.carrier.id, "service": "jnt:ez"},
        )
        self.assertEqual(
            [s["key"] for s in summary["delivery_services"] if s["selected"]],
            ["jnt:ez"],
        )
        self.assertEqual(
            (cart.carrier_id, cart.biteship_courier_company), (self.carrier, "jnt")
        )
        self.assertIn("J&T Regular", cart.order_line.filtered("is_delivery").name)
        # the whole page from one Biteship request
        self.assertEqual(len(self.server.rates_requests), 1)

        # a new delivery address: new rates, the choice kept if still offered
        cart.partner_shipping_id.zip = "60111"
        rate = self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )
        self.assertTrue(rate["success"])
        self.assertEqual(len(self.server.rates_requests), 2)
        last = self.server.rates_requests[-1]
        self.assertEqual(last["destination_postal_code"], 60111)
        self.assertEqual(
            [s["key"] for s in rate["delivery_services"] if s["selected"]], ["jnt:ez"]
        )

        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "jne:yes"},
            )
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service", {"dm_id": self.fixed.id, "service": "x:y"}
            )

    def test_biteship_down(self):
        self._cart()
        self.server.inject("500", count=10)
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertFalse(summary["success"])
        self.assertIn("Choose another delivery method", summary["error_message"])
        self.assertEqual(self.server.requests, 1, "one request for the whole page")
        # the customer picks another method
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.fixed.id}
        )
        self.assertTrue(summary["success"])
        self.assertNotIn("delivery_services", summary)

    def test_public_visitor_checkout(self):
        # an anonymous visitor's cart, its address given at the address step
        self.authenticate(None, None)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        cart = self.env["sale.order"].search(
            [("website_id", "!=", False)], order="id desc", limit=1
        )
        self.assertEqual(cart.partner_id, self.env.ref("base.public_partner"))
        visitor = self.env["res.partner"].create(
            {
                "name": "Visitor",
                "street": "Jl. Asia Afrika 8",
                "city": "Bandung",
                "zip": "40111",
                "email": "visitor@example.com",
            }
        )
        cart.write({"partner_id": visitor.id, "partner_shipping_id": visitor.id})
        rate = self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )
        self.assertTrue(rate["success"], rate)
        self.assertEqual(len(rate["delivery_services"]), 4)
        summary = self.make_jsonrpc_request(
            "/shop/delivery_service",
            {"dm_id": self.carrier.id, "service": "anteraja:reg"},
        )
        self.assertTrue(summary["success"])
        self.assertEqual(
            (cart.carrier_id, cart.biteship_courier_company),
            (self.carrier, "anteraja"),
        )
        self.assertEqual(len(self.server.rates_requests), 1)

    def test_public_visitor_without_cart(self):
        self.authenticate(None, None)
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "jne:reg"},
            )

    def test_refused_key_hides_the_method(self):
        """Biteship refuses the shop's key (HTTP 400, 40000001): the first
        shopper reads a sentence of ours, never Biteship's words about the
        key; the method is hidden from the next ones, who cost no request;
        one activity waits for the administrator."""
        self.carrier.biteship_api_key = "biteship_test.revoked"
        cart = self._cart()
        rate = self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )
        self.assertFalse(rate["success"])
        self.assertIn("not available at the moment", rate["error_message"])
        self.assertNotIn("key", rate["error_message"].lower())
        self.assertEqual(self.server.requests, 1)
        self.assertNotIn(self.carrier, cart._get_delivery_methods())
        self.assertIn(self.fixed, cart._get_delivery_methods())
        form = self.make_jsonrpc_request("/shop/delivery_methods", {})
        self.assertIn("Kurir Toko", form)
        self.assertNotIn("Biteship couriers", form)

        self.authenticate(None, None)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        form = self.make_jsonrpc_request("/shop/delivery_methods", {})
        self.assertNotIn("Biteship couriers", form)
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.make_jsonrpc_request(
                "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
            )
        self.assertEqual(self.server.requests, 1)
        activity = self.carrier.activity_ids
        self.assertEqual(activity.user_id, self.env.ref("base.user_admin"))
        self.assertIn("Authentication for your key is failed", str(activity.note))
