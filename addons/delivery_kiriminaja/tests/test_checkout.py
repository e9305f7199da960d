from odoo.addons.base.tests.common import HttpCaseWithUserPortal
from odoo.exceptions import UserError
from odoo.tests import JsonRpcException, tagged

from ..kiriminaja.client import SHIPPING_PRICE
from .common import KiriminAjaCommon, KiriminAjaShop


@tagged("post_install", "-at_install")
class TestCheckoutServices(KiriminAjaCommon):
    """KiriminAja on delivery_carrier_tracking's checkout contract."""

    def setUp(self):
        super().setUp()
        self.carrier.checkout_rate_shopping = True

    def test_services_listed_with_badges(self):
        order = self._order(qty=1)
        services = self.carrier._get_checkout_services(order)
        by_code = {s["code"]: s for s in services}
        self.assertEqual(list(by_code), ["jne:REG23", "jne:YES23"])
        reg, yes = by_code["jne:REG23"], by_code["jne:YES23"]
        self.assertEqual(reg["name"], "JNE Reguler")
        self.assertEqual(reg["currency"], order.currency_id.name)
        idr = self.env.ref("base.IDR")
        self.assertAlmostEqual(
            reg["price"],
            idr._convert(14000, order.currency_id, order.company_id, order.date_order),
            2,
        )
        self.assertEqual((reg["etd"], reg["etd_hours"]), ("1-2 days", 48))
        self.assertEqual(yes["etd_hours"], 24)
        self.assertTrue(reg["cheapest"] and not reg["fastest"])
        self.assertTrue(yes["fastest"] and not yes["cheapest"])
        self.assertTrue(reg["cod"] and reg["cod_fee"] > 0)
        self.assertFalse(yes["cod"] or yes["cod_fee"])
        self.assertFalse(any(s["selected"] for s in services))  # not its method yet

    def test_one_request_per_cart(self):
        order = self._order(qty=1)
        first = self.carrier._get_checkout_services(order)
        second = self.carrier._get_checkout_services(order)
        self.assertEqual(first, second)
        rate = self.carrier.with_context(checkout_service="jne:YES23").rate_shipment(
            order
        )
        self.assertTrue(rate["success"], rate)
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 1)
        # another weight is another request
        order.order_line.product_uom_qty = 3
        self.carrier._get_checkout_services(order)
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 2)

    def test_choice_recorded_and_kept(self):
        order = self._order(qty=1)
        order._set_checkout_service(self.carrier, "jne:YES23")
        self.assertEqual(order.kiriminaja_service_code, "jne:YES23")
        line = order.order_line.filtered("is_delivery")
        rate = self.carrier.rate_shipment(order)  # no context: the order's choice
        self.assertEqual(rate["kiriminaja_service"], "jne:YES23")
        self.assertAlmostEqual(line.price_unit, rate["price"], 2)
        services = self.carrier._get_checkout_services(order)
        self.assertEqual([s["code"] for s in services if s["selected"]], ["jne:YES23"])
        # the delivery line does not change the goods' value: still one request
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 1)

    def test_method_service_without_a_choice(self):
        rate = self.carrier.rate_shipment(self._order(qty=1))
        self.assertEqual(rate["kiriminaja_service"], "jne:REG23")

    def test_unknown_code_refused(self):
        order = self._order(qty=1)
        with self.assertRaisesRegex(UserError, "jne:OKE23 is not offered"):
            order._set_checkout_service(self.carrier, "jne:OKE23")
        self.assertFalse(order.carrier_id)
        self.assertFalse(order.kiriminaja_service_code)
        rate = self.carrier.with_context(checkout_service="jne:OKE23").rate_shipment(
            order
        )
        self.assertFalse(rate["success"])
        self.assertIn("JNE OKE23 does not deliver", rate["error_message"])


@tagged("post_install", "-at_install")
class TestCheckoutAsPortal(KiriminAjaShop, HttpCaseWithUserPortal):
    """A portal customer chooses a KiriminAja service at checkout
    (website_sale_delivery_services' route)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_portal.write(
            {
                "street": "Jl. Merdeka 17",
                "city": "Bandung",
                "zip": "40111",
                "country_id": cls.env.ref("base.id").id,
                "phone": "+62 22 555 0100",
            }
        )
        cls.product.write({"is_published": True, "sale_ok": True})
        cls.carrier.write({"checkout_rate_shopping": True, "is_published": True})

    def setUp(self):
        super().setUp()
        installed = self.env["ir.module.module"].search_count(
            [
                ("name", "=", "website_sale_delivery_services"),
                ("state", "=", "installed"),
            ]
        )
        if not installed:
            self.skipTest("the checkout route needs website_sale_delivery_services")

    def test_portal_customer_chooses_a_service(self):
        self.authenticate("portal", "portal")
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        cart = self.env["sale.order"].search(
            [("partner_id", "=", self.partner_portal.id)], order="id desc", limit=1
        )
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertTrue(summary["success"], summary)
        services = {s["key"]: s for s in summary["delivery_services"]}
        self.assertTrue(services["jne:REG23"]["selected"])
        self.assertTrue(services["jne:YES23"]["fastest"])
        summary = self.make_jsonrpc_request(
            "/shop/delivery_service",
            {"dm_id": self.carrier.id, "service": "jne:YES23"},
        )
        self.assertEqual(
            [s["key"] for s in summary["delivery_services"] if s["selected"]],
            ["jne:YES23"],
        )
        self.assertEqual(cart.kiriminaja_service_code, "jne:YES23")
        idr = self.env.ref("base.IDR")
        self.assertAlmostEqual(
            cart.order_line.filtered("is_delivery").price_unit,
            idr._convert(26000, cart.currency_id, cart.company_id, cart.date_order),
            2,
        )
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 1)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "jne:OKE23"},
            )
        self.assertEqual(cart.kiriminaja_service_code, "jne:YES23")
