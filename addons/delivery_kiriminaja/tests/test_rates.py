from odoo.tests import tagged

from ..kiriminaja.client import SHIPPING_PRICE
from ..models.delivery_carrier_rates import _cod_fee
from .common import KiriminAjaCommon


@tagged("post_install", "-at_install")
class TestRates(KiriminAjaCommon):
    def _to_company(self, rupiah):
        idr = self.env.ref("base.IDR")
        company = self.env.company
        return idr._convert(rupiah, company.currency_id, company, self.env.cr.now())

    def test_kiriminaja_down_asked_once_per_page(self):
        """A checkout page prices the cart several times: KiriminAja down
        (502) is asked once, its failure kept briefly; a working answer is
        kept as well."""
        order = self._order(qty=2)
        self.assertTrue(self.carrier.rate_shipment(order)["success"])
        self.assertTrue(self.carrier.rate_shipment(order)["success"])
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), 1)
        order.order_line.product_uom_qty = 3  # another request
        self.server.broken = (502, b"<html>Bad gateway</html>")
        hits = self.server.hits
        for _page_request in range(3):
            rate = self.carrier.rate_shipment(order)
            self.assertFalse(rate["success"])
        self.assertEqual(self.server.hits, hits + 1)

    def test_services_in_one_request(self):
        order = self._order(qty=2)  # 1.5 kg
        services = self.carrier._kiriminaja_rate_services(order, cod=True)
        [request] = self.server.calls(SHIPPING_PRICE)
        self.assertEqual(request["origin"], 2001)
        self.assertEqual(request["destination"], 2302)
        self.assertEqual(request["weight"], 1500)
        self.assertEqual(request["courier"], ["jne"])
        self.assertEqual(request["insurance"], 0)
        by_key = {(s["courier"], s["service"]): s for s in services}
        reg = by_key["jne", "REG23"]
        self.assertEqual(reg["price"], 28000)  # 2 kg x 14,000
        self.assertEqual(reg["etd"], "1-2")
        self.assertTrue(reg["cod"])
        # KiriminAja's cod_fee_amount: 3% of goods + shipping, at least 2,500
        self.assertEqual(
            reg["cod_fee"], max(2500, -(-(request["item_value"] + 28000) * 3 // 100))
        )
        self.assertEqual(by_key["jne", "YES23"]["cod_fee"], 0)  # no COD there

    def test_rate_shipment(self):
        order = self._order(qty=1)
        rate = self.carrier.rate_shipment(order)
        self.assertTrue(rate["success"], rate)
        self.assertAlmostEqual(rate["price"], self._to_company(14000), 2)

    def test_insurance_and_item_value(self):
        self.carrier.kiriminaja_insurance = True
        order = self._order(qty=1)
        rate = self.carrier.rate_shipment(order)
        [request] = self.server.calls(SHIPPING_PRICE)
        self.assertEqual(request["insurance"], 1)
        self.assertIsInstance(request["item_value"], int)
        fee = round(request["item_value"] * 0.002) + 5000
        self.assertAlmostEqual(rate["price"], self._to_company(14000 + fee), 2)

    def test_address_problems_reach_the_shopper(self):
        nowhere = self.env["res.partner"].create({"name": "Nobody", "city": "Atlantis"})
        rate = self.carrier.rate_shipment(self._order(partner=nowhere))
        self.assertFalse(rate["success"])
        self.assertIn("No KiriminAja district", rate["error_message"])
        self.assertFalse(self.server.calls(SHIPPING_PRICE))

    def test_service_not_offered(self):
        self.carrier.kiriminaja_service = "OKE23"
        rate = self.carrier.rate_shipment(self._order())
        self.assertFalse(rate["success"])
        self.assertIn("JNE OKE23 does not deliver", rate["error_message"])

    def test_refused_key_is_the_methods_configuration(self):
        self.carrier.kiriminaja_api_key = "revoked"
        rate = self.carrier.rate_shipment(self._order())
        self.assertFalse(rate["success"])
        self.assertTrue(self.carrier.tracking_config_error)
        self.assertNotIn("revoked", rate["error_message"])

    def test_weightless_product(self):
        self.product.weight = 0
        rate = self.carrier.rate_shipment(self._order())
        self.assertFalse(rate["success"])
        self.assertIn("Batik Shirt", rate["error_message"])

    def test_cod_fee_without_kiriminaja_amount(self):
        """cod_fee is a fraction ("0.03") of goods, shipping and insurance,
        at least minimum_cod_fee, when no cod_fee_amount comes with it."""
        setting = {"cod_fee": "0.03", "minimum_cod_fee": "2500"}
        self.assertEqual(_cod_fee(setting, 200000), 6000)
        self.assertEqual(_cod_fee(setting, 50000), 2500)
        self.assertEqual(_cod_fee(dict(setting, cod_fee_amount="7100"), 0), 7100)
