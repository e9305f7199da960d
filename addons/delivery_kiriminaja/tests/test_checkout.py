import json

from odoo.addons.base.tests.common import HttpCaseWithUserPortal
from odoo.exceptions import UserError
from odoo.tests import JsonRpcException, tagged

from ..kiriminaja.client import SHIPPING_PRICE
from .common import CheckoutRoutesMixin, KiriminAjaCommon, KiriminAjaShop


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


class KiriminAjaWebsiteCheckout(
    CheckoutRoutesMixin, KiriminAjaShop, HttpCaseWithUserPortal
):
    """The shop's checkout routes (website_sale_delivery_services) on the
    stand-in, a portal customer in Bandung."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_checkout(
            {
                "street": "Jl. Merdeka 17",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 22 555 0100",
            }
        )


@tagged("post_install", "-at_install")
class TestCheckoutAsPortal(KiriminAjaWebsiteCheckout):
    """A portal customer chooses a KiriminAja service at checkout
    (website_sale_delivery_services' route)."""

    def test_portal_customer_chooses_a_service(self):
        cart = self.portal_cart()
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertTrue(summary["success"], summary)
        services = {s["key"]: s for s in summary["delivery_services"]}
        self.assertTrue(services["jne:REG23"]["selected"])
        self.assertTrue(services["jne:YES23"]["fastest"])
        self.choose_service(cart, "jne:YES23", 26000)
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 1)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/shop/delivery_service",
                {"dm_id": self.carrier.id, "service": "jne:OKE23"},
            )
        self.assertEqual(cart.kiriminaja_service_code, "jne:YES23")


# 55584 is the postal code of two districts of Sleman (the stand-in's areas)
SLEMAN_55584 = {
    "street": "Jl. Kaliurang 9",
    "city": "Sleman",
    "zip": "55584",
}
NGEMPLAK = {"key": "5789", "label": "Ngemplak, Kabupaten Sleman, DI Yogyakarta"}
KALASAN = {"key": "5790", "label": "Kalasan, Kabupaten Sleman, DI Yogyakarta"}


@tagged("post_install", "-at_install")
class TestCheckoutDistrict(KiriminAjaWebsiteCheckout):
    """An address in several districts: the customer picks theirs at checkout
    (/shop/delivery_area), as a portal customer and a public visitor."""

    def setUp(self):
        super().setUp()
        self.partner_portal.write(SLEMAN_55584)

    def _rate(self):
        return self.make_jsonrpc_request(
            "/shop/get_delivery_rate", {"dm_id": self.carrier.id}
        )

    def _pick(self, key, **extra):
        return self.make_jsonrpc_request(
            "/shop/delivery_area", {"dm_id": self.carrier.id, "area": key, **extra}
        )

    def _pick_refused(self, key):
        """The route's error for picking `key`: (exception name, message)."""
        response = self.url_open(
            "/shop/delivery_area",
            data=json.dumps(
                {"params": {"dm_id": self.carrier.id, "area": key}}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        error = response.json()["error"]["data"]
        return error["name"].rpartition(".")[2], error["message"]

    def test_portal_customer_picks_the_district(self):
        cart = self.portal_cart()
        rate = self._rate()
        self.assertFalse(rate["success"])
        self.assertEqual(rate["checkout_areas"], [NGEMPLAK, KALASAN])
        self.assertIn("Several KiriminAja districts", rate["error_message"])
        self.assertFalse(self.server.calls(SHIPPING_PRICE))
        # the order summary of the method says the same
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertFalse(summary["success"])
        self.assertEqual(summary["checkout_areas"], [NGEMPLAK, KALASAN])

        # a district of KiriminAja's, but not one of the address's
        name, message = self._pick_refused("1251")
        self.assertEqual(name, "UserError")
        self.assertIn("not one of those that match your delivery address", message)
        self.assertIn(KALASAN["label"], message)
        self.assertFalse(self.partner_portal.kiriminaja_district_id)

        answer = self._pick(KALASAN["key"])
        self.assertTrue(answer["success"], answer)
        self.assertNotIn("checkout_areas", answer)
        self.assertTrue(answer["delivery_services"])
        self.assertEqual(self.partner_portal.kiriminaja_district_id, 5790)
        self.assertEqual(self.partner_portal.kiriminaja_district_name, KALASAN["label"])
        [priced] = self.server.calls(SHIPPING_PRICE)
        self.assertEqual(priced["destination"], 5790)
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertTrue(summary["success"], summary)
        self.assertEqual(cart.carrier_id, self.carrier)
        self.assertTrue(cart.order_line.filtered("is_delivery").price_unit)

    def test_pick_forgets_the_kept_failure(self):
        self.portal_cart()
        self.assertTrue(self._pick(KALASAN["key"])["success"])
        # another weight while KiriminAja is down: the failure is kept 30 s
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        self.server.broken = (502, b"<html>Bad gateway</html>")
        self.assertFalse(self._rate()["success"])
        self.server.broken = None
        self.assertFalse(self._rate()["success"])
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 1)
        # the customer's pick asks KiriminAja again
        answer = self._pick(KALASAN["key"])
        self.assertTrue(answer["success"], answer)
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 2)

    def test_public_visitor_on_own_cart_only(self):
        self.authenticate(None, None)
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self._pick(KALASAN["key"])
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        cart = self.env["sale.order"].search(
            [("website_id", "!=", False)], order="id desc", limit=1
        )
        # no address yet: nobody's district to set
        name, message = self._pick_refused(KALASAN["key"])
        self.assertEqual(name, "UserError")
        self.assertIn("not available for your address", message)
        visitor = self.env["res.partner"].create(
            {
                "name": "Tamu",
                "email": "tamu@example.com",
                "country_id": self.env.ref("base.id").id,
                **SLEMAN_55584,
            }
        )
        cart.write({"partner_id": visitor.id, "partner_shipping_id": visitor.id})
        self.assertEqual(self._rate()["checkout_areas"], [NGEMPLAK, KALASAN])
        # the address is the cart's: another partner named is not heard
        answer = self._pick(NGEMPLAK["key"], partner_id=self.partner_portal.id)
        self.assertTrue(answer["success"], answer)
        self.assertEqual(visitor.kiriminaja_district_id, 5789)
        self.assertFalse(self.partner_portal.kiriminaja_district_id)
        # another visitor has no cart, so no address to change
        self.authenticate(None, None)
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self._pick(KALASAN["key"])
        # nor has a portal customer their cart's address changed by it
        self.portal_cart()
        self._pick(KALASAN["key"])
        self.assertEqual(visitor.kiriminaja_district_id, 5789)
        self.assertEqual(self.partner_portal.kiriminaja_district_id, 5790)

    def test_no_district_matches(self):
        self.partner_portal.write({"city": "Atlantis", "zip": "99999"})
        self.portal_cart()
        rate = self._rate()
        self.assertFalse(rate["success"])
        self.assertIn("No KiriminAja district", rate["error_message"])
        self.assertIn("99999", rate["error_message"])
        self.assertNotIn("checkout_areas", rate)
        name, message = self._pick_refused(KALASAN["key"])
        self.assertEqual(name, "UserError")
        self.assertIn("No district matches your delivery address", message)
        self.assertFalse(self.partner_portal.kiriminaja_district_id)

    def test_the_shops_district_is_not_the_customers_to_pick(self):
        self.env.company.partner_id.write(SLEMAN_55584)
        self.partner_portal.write(
            {"street": "Jl. Merdeka 17", "city": "Bandung", "zip": "40111"}
        )
        self.portal_cart()
        rate = self._rate()
        self.assertFalse(rate["success"])
        self.assertIn("Several KiriminAja districts", rate["error_message"])
        self.assertNotIn("checkout_areas", rate)
        # the customer's own address has one district: nothing to pick
        name, message = self._pick_refused(KALASAN["key"])
        self.assertEqual(name, "UserError")
        self.assertIn("not one of those", message)
        self.assertFalse(self.env.company.partner_id.kiriminaja_district_id)

    def test_tour_picks_the_district(self):
        self.partner_portal.write(
            {
                "email": "portal@example.com",
                "state_id": self.env["res.country.state"]
                .search([("country_id", "=", self.env.ref("base.id").id)], limit=1)
                .id,
            }
        )
        cart = self.portal_cart()
        self.start_tour("/shop/checkout", "website_sale_delivery_area", login="portal")
        self.assertEqual(self.partner_portal.kiriminaja_district_id, 5790)
        self.assertEqual(cart.carrier_id, self.carrier)
        self.assertTrue(cart.order_line.filtered("is_delivery").price_unit)
