from odoo.addons.delivery_biteship.tests.common import API_KEY, BiteshipStandInMixin
from odoo.addons.sale_order_fulfilment_cod.tests.common import CodCommon
from odoo.fields import Command
from odoo.tests import tagged

IDR_PER_USD = 16000.0


@tagged("post_install", "-at_install")
class TestCodFreightQuote(BiteshipStandInMixin, CodCommon):
    """The COD fee line in the freight quote: Biteship's (billed in the
    delivery's price) counts, the shop's own courier's does not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.env.ref("base.IDR").id, "rate": IDR_PER_USD}
        )
        cls.env.company.write(
            {"freight_threshold_amount": 0.05, "freight_threshold_percent": 0.0}
        )
        cls.jne = cls._create_carrier(
            "Biteship JNE REG",
            delivery_type="biteship",
            tracking_create_label=False,
            is_published=True,
            biteship_api_key=API_KEY,
            biteship_base_url=cls.server.url,
            biteship_timeout=2.0,
            biteship_courier_company="jne",
            biteship_courier_type="reg",
        )
        cls.jne.product_id.taxes_id = [Command.clear()]

    def _biteship_cod_order(self):
        order = self.cod_cart(carrier=self.plain_carrier)
        rate = self.jne.rate_shipment(order)
        self.assertTrue(rate["success"], rate["error_message"])
        order.set_delivery_line(self.jne, rate["price"])
        self.pay_cod(order)
        self.assertEqual((order.is_cod, order.cod_state), (True, "to_collect"))
        return order

    def test_biteship_cod_fee_is_in_the_quote(self):
        order = self._biteship_cod_order()
        fee = order._cod_fee_lines().price_subtotal
        self.assertGreater(fee, 0.0)
        shipping = order.freight_quote_amount
        self.assertAlmostEqual(order._freight_quote(), shipping + fee, places=2)

        picking = self.ship(order)
        booked = self.server.orders[picking.carrier_shipment_id]
        cod_fee = booked["destination"]["cash_on_delivery"]["fee"]
        self.assertGreater(cod_fee, 0)
        [cost] = picking.freight_cost_ids
        self.assertAlmostEqual(cost.cod_fee, cod_fee / IDR_PER_USD, places=2)
        # The quote now holds the fee the customer paid; what is left over is
        # Biteship's fee on the cash to collect, which includes that fee
        # (quoted on the total before it): cents, not the whole COD fee.
        over = picking.freight_booked - picking.freight_quoted
        self.assertAlmostEqual(over, cod_fee / IDR_PER_USD - fee, delta=0.02)
        self.assertLess(over, cost.cod_fee / 2)
        self.assertAlmostEqual(picking.freight_quoted, shipping + fee, places=2)

    def test_shop_courier_cod_fee_stays_out(self):
        order = self.cod_cart(carrier=self.cod_carrier)
        self.pay_cod(order)
        self.assertEqual(order._cod_fee_lines().price_subtotal, 4.0)
        self.assertEqual(order._freight_quote(), 10.0)
