from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BiteshipCommon


@tagged("post_install", "-at_install")
class TestBiteshipCurrency(BiteshipCommon):
    def test_no_idr_rate_refused(self):
        self.assertEqual(self.env.company.currency_id.name, "USD")
        self.idr_rate.unlink()
        res = self.biteship.rate_shipment(self._sale_order())
        self.assertFalse(res["success"])
        self.assertEqual(res["price"], 0.0)
        self.assertRegex(res["error_message"], "no IDR exchange rate.*USD")
        self.assertEqual(self.server.requests, 0, "refused before asking Biteship")

        picking = self._create_picking(carrier=self.biteship)
        with self.assertRaisesRegex(UserError, "no IDR exchange rate"):
            self.biteship.send_shipping(picking)
        self.assertEqual(self.server.orders_created, 0)
        self.assertFalse(picking.carrier_shipment_id)
        # at validation: delivery done, shipment pending, the reason in the chatter
        self._validate(picking)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertEqual(self.server.orders_created, 0)
        self.assertTrue(
            any("no IDR exchange rate" in msg.body for msg in picking.message_ids)
        )

    def test_idr_rate_converts(self):
        # 1 USD = 16,000 IDR; 3 kg at IDR 9,000 = IDR 27,000 = USD 1.69
        res = self.biteship.rate_shipment(self._sale_order())
        self.assertTrue(res["success"], res["error_message"])
        self.assertAlmostEqual(res["price"], 1.69, places=2)
        picking = self._create_picking(carrier=self.biteship, qty=3.0)
        [shipment] = self.biteship.send_shipping(picking)
        self.assertAlmostEqual(shipment["exact_price"], 1.69, places=2)
        self.assertEqual(self.server.orders_created, 1)
