import copy
import math

from odoo.addons.base.tests.common import HttpCaseWithUserPortal
from odoo.addons.delivery_carrier_tracking.tests.common import apply_webhook_inbox
from odoo.addons.delivery_kiriminaja.kiriminaja import KiriminAjaRequestError
from odoo.addons.delivery_kiriminaja.kiriminaja.client import (
    INSTANT_PICKUP,
    INSTANT_PRICING,
    REQUEST_PICKUP,
    SHIPPING_PRICE,
)
from odoo.addons.delivery_kiriminaja.tests.common import API_KEY, KiriminAjaShop
from odoo.addons.sale_order_fulfilment_cod.tests.common import CodCommon
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

IDR_PER_COMPANY_UNIT = 16000  # the rate KiriminAjaShop gives rupiah


@tagged("post_install", "-at_install")
class TestKiriminAjaCod(KiriminAjaShop, CodCommon, HttpCaseWithUserPortal):
    """Cash on delivery with KiriminAja methods on the stand-in KiriminAja:
    the offer from its rates, the booking's amount, its callbacks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.phone = "0812 3456 7890"
        cls.idr = cls.env.ref("base.IDR")
        common = {
            "delivery_type": "kiriminaja",
            "is_published": True,
            "kiriminaja_api_key": API_KEY,
            "kiriminaja_base_url": cls.server.url,
            "kiriminaja_courier": "jne",
        }
        cls.carrier.is_published = True
        cls.yes = cls._create_carrier(
            "KiriminAja JNE YES", kiriminaja_service="YES23", **common
        )
        cls.shopping = cls._create_carrier(
            "KiriminAja JNE",
            checkout_rate_shopping=True,
            kiriminaja_service="REG23",
            **common,
        )
        (cls.carrier | cls.yes | cls.shopping).product_id.taxes_id = [Command.clear()]
        cls.warehouse_user = new_test_user(
            cls.env, login="ka_cod_warehouse", groups="stock.group_stock_user"
        )
        cls.salesman = new_test_user(
            cls.env, login="ka_cod_sales", groups="sales_team.group_sale_salesman"
        )

    # -- helpers ---------------------------------------------------------------

    def _company_amount(self, rupiah):
        company = self.env.company
        return self.idr._convert(
            rupiah, company.currency_id, company, self.env.cr.now()
        )

    @staticmethod
    def _reg_cod_fee():
        """The stand-in's COD fee of JNE REG23 for the cart: 3 % of goods
        (100 x 16,000) and shipping (1 kg x 14,000), at least 2,500."""
        return -(-(1_600_000 + 14_000) * 3 // 100)

    def _booked_package(self):
        [body] = self.server.calls(REQUEST_PICKUP)
        [package] = body["packages"]
        return package

    def _send(self, picking, method, data):
        """KiriminAja's callback on the public tracking webhook route."""
        self.env.flush_all()
        url = f"{self.base_url()}/delivery_tracking/webhook/{picking.carrier_id.id}"
        status, body = self.server.callback(url, method, data, API_KEY)
        self.assertEqual(status, 200, body)
        apply_webhook_inbox(self.env)

    # -- the stand-in keeps KiriminAja's COD rules -------------------------------

    def test_standin_cod_rules(self):
        order = self.provider_cart(self.carrier)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        client = self.carrier._kiriminaja_client()
        payload = self.carrier._kiriminaja_pickup_payload(picking, client)
        package = payload["packages"][0]
        total = package["item_value"] + package["shipping_cost"]
        fee = max(math.ceil(total * 0.03), 2500)
        self.assertNotIn("add_cost", package)  # not a COD order
        for change in (
            {"cod": total - 1, "add_cost": fee},  # less than goods and shipping
            {"cod": float(total + fee), "add_cost": fee},  # not an int
            # YES takes no COD
            {"cod": total + fee, "add_cost": fee, "service_type": "YES23"},
            {"cod": total + fee},  # no COD fee
            {"cod": total + fee, "add_cost": fee - 1},  # not the COD fee
            {"cod": 0, "add_cost": fee},  # a COD fee without COD
        ):
            refused = copy.deepcopy(payload)
            refused["packages"][0].update(change)
            with self.assertRaises(KiriminAjaRequestError, msg=change):
                client.request_pickup(refused)
        self.assertFalse(self.server.orders)
        payload["packages"][0].update(cod=total + fee, add_cost=fee)
        client.request_pickup(payload)
        self.assertEqual(self.server.orders[package["order_id"]]["cod"], total + fee)

    # -- offer at checkout -------------------------------------------------------

    def test_offer_of_a_fixed_service(self):
        order = self.provider_cart(self.carrier)
        requests_made = len(self.server.calls(SHIPPING_PRICE))
        offer = self.carrier._cod_offer(order)
        self.assertTrue(offer["available"], offer["reason"])
        self.assertEqual(offer["reason"], "")
        self.assertAlmostEqual(
            offer["fee"], self._company_amount(self._reg_cod_fee()), places=2
        )
        self.assertEqual(offer["max_amount"], 0.0)
        self.assertEqual(
            len(self.server.calls(SHIPPING_PRICE)),
            requests_made,
            "the rates the cart was priced with, kept on the order",
        )
        # the fee line is not goods: the fee stays the same, no new request
        order._cod_set_fee_line()
        self.assertAlmostEqual(
            order._cod_fee_lines().price_unit,
            round(self._company_amount(self._reg_cod_fee()), 2),
            places=2,
        )
        self.assertAlmostEqual(
            self.carrier._cod_offer(order)["fee"], offer["fee"], places=2
        )
        self.assertEqual(len(self.server.calls(SHIPPING_PRICE)), requests_made)

        offer = self.yes._cod_offer(self.cod_cart(carrier=self.plain_carrier))
        self.assertFalse(offer["available"])
        self.assertEqual(offer["fee"], 0.0)
        self.assertIn("JNE YES23 does not collect cash on delivery", offer["reason"])

    def test_offer_follows_the_chosen_service(self):
        order = self.provider_cart(self.shopping, service="jne:YES23")
        offer = self.shopping._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("JNE YES23", offer["reason"])
        order._set_checkout_service(self.shopping, "jne:REG23")
        offer = self.shopping._cod_offer(order)
        self.assertTrue(offer["available"], offer["reason"])
        self.assertAlmostEqual(
            offer["fee"], self._company_amount(self._reg_cod_fee()), places=2
        )
        # the checkout's fee line follows the service
        order._cod_set_fee_line()
        self.assertTrue(order._cod_fee_lines())
        order._set_checkout_service(self.shopping, "jne:YES23")
        self.assertFalse(order._cod_fee_lines())

    def test_offer_maximum(self):
        # KiriminAja documents no maximum: the method's own only
        order = self.provider_cart(self.carrier)
        self.carrier.cod_max_amount = 100.0
        offer = self.carrier._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("100.00", offer["reason"])
        self.carrier.cod_max_amount = 200.0
        offer = self.carrier._cod_offer(order)
        self.assertTrue(offer["available"], offer["reason"])
        self.assertEqual(offer["max_amount"], 200.0)

    def test_offer_refused_without_rate_or_courier(self):
        order = self.cod_cart(carrier=self.plain_carrier)
        # KiriminAja refuses the shop's key: our sentence, not its words
        self.carrier.kiriminaja_api_key = "a-key-kiriminaja-refuses"
        offer = self.carrier._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("right now", offer["reason"])
        self.assertNotIn("Unauthenticated", offer["reason"])
        self.assertTrue(self.carrier.tracking_config_error)
        self.carrier.kiriminaja_api_key = API_KEY

        self.server.broken = (500, b"Internal Server Error")
        offer = self.carrier._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("right now", offer["reason"])
        self.server.broken = None

        # no IDR rate: nothing converted 1:1, the reason names the rate
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.idr.id)]
        ).unlink()
        offer = self.carrier._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("no IDR exchange rate", offer["reason"])

    def test_payment_page_of_the_portal_customer(self):
        """The customer's own payment step lists cash on delivery with a
        KiriminAja service that collects cash, not with one that does not."""
        self.check_portal_payment_page(
            self.carrier, self.yes, lambda: len(self.server.calls(SHIPPING_PRICE))
        )

    # -- booking and the courier's news ------------------------------------------

    def test_booked_with_the_amount_then_collected(self):
        order = self.provider_cart(self.carrier)
        self.pay_cod(order)
        self.assertEqual((order.is_cod, order.cod_state), (True, "to_collect"))
        picking = self.ship(order, user=self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_created")
        package = self._booked_package()
        self.assertEqual(
            package["cod"], round(order.amount_total * IDR_PER_COMPANY_UNIT)
        )
        self.assertEqual(
            (package["service"], package["service_type"]), ("jne", "REG23")
        )
        # the COD fee KiriminAja's rate quoted, on goods and shipping
        self.assertEqual(
            package["add_cost"],
            max(
                math.ceil((package["item_value"] + package["shipping_cost"]) * 0.03),
                2500,
            ),
        )

        order_id = picking.carrier_shipment_id
        awb = self.server.process(order_id)
        self._send(picking, "processed_packages", [{"order_id": order_id, "awb": awb}])
        self._send(
            picking,
            "finished_packages",
            [{"order_id": order_id, "finished_at": "2026-02-17 10:00:00"}],
        )
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(order.cod_state, "collected")
        cod_line = order.cod_collection_move_id.line_ids.filtered(
            lambda line: line.account_id == order.company_id.cod_receivable_account_id
        )
        self.assertEqual(
            cod_line.partner_id,
            self.env.ref("delivery_kiriminaja_cod.partner_kiriminaja"),
        )
        self.assertAlmostEqual(cod_line.balance, order.amount_total, places=2)

    def test_order_without_cod_books_nothing_to_collect(self):
        order = self.provider_cart(self.carrier)
        order.action_confirm()
        self.assertFalse(order.is_cod)
        picking = self.ship(order, user=self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(self._booked_package()["cod"], 0)

    def test_cod_on_a_service_without_cod_is_not_booked(self):
        order = self.provider_cart(self.carrier)
        self.pay_cod(order)
        # the method changed to a service without COD after the order
        self.carrier.kiriminaja_service = "YES23"
        picking = self.ship(order, user=self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(self.server.calls(REQUEST_PICKUP), "refused before asking")
        self.assertFalse(picking.carrier_shipment_id)
        notes = " ".join(str(body) for body in picking.message_ids.mapped("body"))
        self.assertIn("JNE YES23 does not collect cash on delivery", notes)

    def test_instant_method_takes_no_cod(self):
        """/docs/instant/service-list: instant couriers take no COD: never
        offered, and a COD order moved to an instant method is not booked."""
        instant = self._create_carrier(
            "KiriminAja GoSend",
            delivery_type="kiriminaja",
            kiriminaja_api_key=API_KEY,
            kiriminaja_base_url=self.server.url,
            kiriminaja_kind="instant",
            kiriminaja_courier="gosend",
            kiriminaja_service="instant",
        )
        order = self.provider_cart(self.carrier)
        offer = instant._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("instant couriers do not collect cash", offer["reason"])
        self.assertFalse(self.server.calls(INSTANT_PRICING))

        self.pay_cod(order)
        order.picking_ids.carrier_id = instant
        picking = self.ship(order, user=self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(self.server.calls(INSTANT_PRICING), "refused before asking")
        self.assertFalse(self.server.calls(INSTANT_PICKUP))
        notes = " ".join(str(body) for body in picking.message_ids.mapped("body"))
        self.assertIn("instant couriers do not collect cash on delivery", notes)

    def test_returned_parcel_fails_the_cod_at_the_decision(self):
        order = self.provider_cart(self.carrier)
        order.user_id = self.salesman
        self.pay_cod(order)
        picking = self.ship(order, user=self.warehouse_user)
        order_id = picking.carrier_shipment_id
        self._send(
            picking,
            "shipped_packages",
            [{"order_id": order_id, "shipped_at": "2026-02-16 13:00:00"}],
        )
        # KiriminAja's return flag: a return to sender, nothing failed yet
        self._send(
            picking, "returned_packages", [{"order_id": order_id, "returned_at": None}]
        )
        self.assertEqual(order.cod_state, "to_collect")
        self.assertEqual(order.fulfilment_state, "returning")
        self.assertFalse(order.cod_collection_move_id)
        ret = picking.rts_return_id
        self.assertTrue(ret)
        back = ret.return_picking_ids.with_user(self.warehouse_user)
        for move in back.move_ids:
            move.write({"quantity": move.product_uom_qty, "picked": True})
        self.assertIs(back.button_validate(), True)
        ret.with_user(self.salesman).action_rts_decide("cancel")
        self.env.invalidate_all()
        self.assertEqual(order.cod_state, "failed")
        self.assertFalse(order.cod_collection_move_id)
        self.assertIn(
            "Cash on delivery not collected", order.fulfilment_exception_reason
        )
