import requests
from odoo.addons.base.tests.common import HttpCaseWithUserPortal
from odoo.addons.delivery_biteship.tests.common import (
    API_KEY,
    BiteshipStandInMixin,
    standin_order,
)
from odoo.addons.sale_order_fulfilment_cod.tests.common import SECRET, CodCommon
from odoo.fields import Command
from odoo.tests import tagged

SERVICES = "jne:reg, jnt:ez, sicepat:reg, gojek:instant"
# warehouse in Jakarta, customer in Bandung
JAKARTA = (-6.1754, 106.8272)
BANDUNG = (-6.9175, 107.6191)
IDR_PER_USD = 16000.0


@tagged("post_install", "-at_install")
class TestBiteshipCod(BiteshipStandInMixin, CodCommon, HttpCaseWithUserPortal):
    """Cash on delivery with Biteship methods on the stand-in Biteship, over
    HTTP: the offer from its rates, the booking, its webhooks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idr = cls.env.ref("base.IDR")
        # Biteship amounts are rupiah; the test company's currency is USD.
        cls.idr_rate = cls.env["res.currency.rate"].create(
            {"currency_id": cls.idr.id, "rate": IDR_PER_USD}
        )
        common = {
            "delivery_type": "biteship",
            "tracking_create_label": False,
            "is_published": True,
            "biteship_api_key": API_KEY,
            "biteship_base_url": cls.server.url,
            "biteship_timeout": 2.0,
            "tracking_webhook_secret": SECRET,
        }
        cls.jne = cls._create_carrier(
            "Biteship JNE REG",
            biteship_courier_company="jne",
            biteship_courier_type="reg",
            **common,
        )
        cls.jnt = cls._create_carrier(
            "Biteship J&T EZ",
            biteship_courier_company="jnt",
            biteship_courier_type="ez",
            **common,
        )
        cls.shopping = cls._create_carrier(
            "Biteship couriers",
            checkout_rate_shopping=True,
            biteship_services=SERVICES,
            **common,
        )
        (cls.jne | cls.jnt | cls.shopping).product_id.taxes_id = [Command.clear()]

    # -- helpers ---------------------------------------------------------------

    def _usd(self, rupiah):
        company = self.env.company
        return self.idr._convert(
            rupiah, company.currency_id, company, self.env.cr.now()
        )

    def _quoted_fee(self, order):
        """Biteship's COD fee for the order's total: the last rates request
        asked with that total (before any fee) and a payout window; the
        stand-in's quote of it."""
        [request] = [
            r for r in self.server.rates_requests if "destination_cash_on_delivery" in r
        ][-1:]
        total = order.amount_total - sum(order._cod_fee_lines().mapped("price_total"))
        amount = request["destination_cash_on_delivery"]
        self.assertEqual(amount, round(total * IDR_PER_USD))
        self.assertEqual(
            request["destination_cash_on_delivery_type"],
            order.carrier_id.cod_disbursement,
        )
        return self.server._cod_fee(amount)

    @staticmethod
    def _notes(picking):
        return " ".join(str(body) for body in picking.message_ids.mapped("body"))

    def _webhook(self, picking, status):
        """Biteship moves the order on and calls the method's webhook."""
        self.server.set_status(picking.carrier_shipment_id, status)
        payload = self.server.webhook_payload(
            "order.status", picking.carrier_shipment_id
        )
        code, body, __ = self._send_webhook(
            f"{self.base_url()}/delivery_tracking/webhook/{picking.carrier_id.id}",
            payload,
            SECRET,
            header_name="X-Biteship-Signature",
        )
        self.assertEqual(code, 200, body)

    # -- the stand-in enforces Biteship's documented COD rules -----------------

    def test_standin_cod_rules(self):
        headers = {"authorization": API_KEY}
        items = [{"name": "Batik", "value": 320000, "quantity": 3, "weight": 750}]
        rates_url = f"{self.server.url}/v1/rates/couriers"
        body = {
            "origin_postal_code": 10110,
            "destination_postal_code": 40111,
            "couriers": "jne,jnt",
            "items": items,
        }
        rates = requests.post(rates_url, json=body, headers=headers, timeout=5).json()[
            "pricing"
        ]
        jne = next(p for p in rates if p["company"] == "jne" and p["type"] == "reg")
        jnt = next(p for p in rates if p["company"] == "jnt")
        self.assertTrue(jne["available_for_cash_on_delivery"])
        self.assertFalse(jnt["available_for_cash_on_delivery"])
        self.assertNotIn("cash_on_delivery_fee", jne, "no COD amount asked")
        self.assertEqual(jne["price"], jne["shipping_fee"])
        # "Rates with COD Fee": the amount and its payout window, together
        cod_body = {**body, "destination_cash_on_delivery": 960000}
        answer = requests.post(rates_url, json=cod_body, headers=headers, timeout=5)
        self.assertEqual((answer.status_code, answer.json()["code"]), (400, 40001002))
        cod_body["destination_cash_on_delivery_type"] = "7_days"
        rates = requests.post(
            rates_url, json=cod_body, headers=headers, timeout=5
        ).json()["pricing"]
        jne = next(p for p in rates if p["company"] == "jne" and p["type"] == "reg")
        jnt = next(p for p in rates if p["company"] == "jnt")
        self.assertGreater(jne["cash_on_delivery_fee"], 0)
        self.assertEqual(
            jne["price"], jne["shipping_fee"] + jne["cash_on_delivery_fee"]
        )
        self.assertEqual(jnt["cash_on_delivery_fee"], 0)

        order = standin_order("jne", "reg", items)
        refused = [
            ({"destination_cash_on_delivery": 1000.5}, 40002008),
            ({"destination_cash_on_delivery": "1000"}, 40002008),
            ({"destination_cash_on_delivery": 15_000_001}, 40002008),
            ({"destination_cash_on_delivery": 1000}, 40002008),  # no window
            (
                {
                    "destination_cash_on_delivery": 1000,
                    "destination_cash_on_delivery_type": "2_days",
                },
                40002008,
            ),
            (
                {
                    "destination_cash_on_delivery": 1000,
                    "destination_cash_on_delivery_type": "7_days",
                    "courier_company": "jnt",
                    "courier_type": "ez",
                },
                40002009,
            ),
        ]
        for extra, code in refused:
            answer = requests.post(
                f"{self.server.url}/v1/orders",
                json={**order, **extra},
                headers=headers,
                timeout=5,
            )
            self.assertEqual(answer.status_code, 400, extra)
            self.assertEqual(answer.json()["code"], code, extra)
        self.assertEqual(self.server.orders_created, 0)
        answer = requests.post(
            f"{self.server.url}/v1/orders",
            json={
                **order,
                "destination_cash_on_delivery": 15_000_000,
                "destination_cash_on_delivery_type": "3_days",
            },
            headers=headers,
            timeout=5,
        ).json()
        cod = answer["destination"]["cash_on_delivery"]
        self.assertEqual((cod["amount"], cod["type"]), (15_000_000, "3_days"))

    # -- offer at checkout -------------------------------------------------------

    def test_offer_follows_the_chosen_service(self):
        order = self.provider_cart(self.shopping, service="jne:reg")
        requests_made = len(self.server.rates_requests)
        offer = self.shopping._cod_offer(order)
        self.assertTrue(offer["available"], offer["reason"])
        self.assertEqual(offer["reason"], "")
        fee = self._quoted_fee(order)
        self.assertAlmostEqual(offer["fee"], self._usd(fee), places=2)
        self.assertAlmostEqual(offer["max_amount"], self._usd(15_000_000), places=2)
        self.assertEqual(
            len(self.server.rates_requests),
            requests_made + 1,
            "COD availability from the rates the cart was priced with, the fee "
            "from one rates request with the order's total",
        )
        self.shopping._cod_offer(order)
        self.assertEqual(
            len(self.server.rates_requests), requests_made + 1, "both kept"
        )

        order._set_checkout_service(self.shopping, "jnt:ez")
        requests_made = len(self.server.rates_requests)
        offer = self.shopping._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("JNT EZ", offer["reason"])
        self.assertEqual(len(self.server.rates_requests), requests_made)

        # an instant courier (offered with coordinates) collects no cash
        self.env.company.partner_id.write(
            {"partner_latitude": JAKARTA[0], "partner_longitude": JAKARTA[1]}
        )
        self.customer.write(
            {"partner_latitude": BANDUNG[0], "partner_longitude": BANDUNG[1]}
        )
        order._set_checkout_service(self.shopping, "gojek:instant")
        offer = self.shopping._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("GOJEK INSTANT", offer["reason"])

        # the checkout's fee line follows: dropped for a service without COD,
        # Biteship's fee for one with it
        order._set_checkout_service(self.shopping, "sicepat:reg")
        order._cod_set_fee_line()
        fee = self._quoted_fee(order)
        self.assertAlmostEqual(
            order._cod_fee_lines().price_unit, round(self._usd(fee), 2), places=2
        )
        order._set_checkout_service(self.shopping, "jnt:ez")
        self.assertFalse(order._cod_fee_lines())

    def test_offer_of_a_fixed_service(self):
        order = self.provider_cart(self.jne)
        offer = self.jne._cod_offer(order)
        self.assertTrue(offer["available"], offer["reason"])
        fee = self._quoted_fee(order)
        self.assertAlmostEqual(offer["fee"], self._usd(fee), places=2)
        # asked again (payment page reloaded): the rates kept on the order
        requests_made = len(self.server.rates_requests)
        self.jne._cod_offer(order)
        self.assertEqual(len(self.server.rates_requests), requests_made)

        offer = self.jnt._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("JNT EZ", offer["reason"])

        far = self.cod_cart(
            partner=self.customer.copy({"zip": "99123"}), carrier=self.plain_carrier
        )
        offer = self.jne._cod_offer(far)
        self.assertFalse(offer["available"])
        self.assertIn("does not deliver", offer["reason"])

        self.server.inject("500")
        offer = self.jne._cod_offer(self.cod_cart(carrier=self.plain_carrier))
        self.assertFalse(offer["available"])
        self.assertIn("right now", offer["reason"])

        # no IDR rate: nothing converted 1:1, the reason names the rate
        self.idr_rate.unlink()
        offer = self.jne._cod_offer(self.cod_cart(carrier=self.plain_carrier))
        self.assertFalse(offer["available"])
        self.assertIn("no IDR exchange rate", offer["reason"])

    def test_offer_maximum(self):
        # 10 x USD 100 is over Biteship's IDR 15,000,000 (USD 937.50)
        order = self.provider_cart(self.jne, qty=10.0)
        offer = self.jne._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertIn("937.50", offer["reason"])
        # the method's own lower maximum
        order = self.provider_cart(self.jne)
        self.jne.cod_max_amount = 50.0
        offer = self.jne._cod_offer(order)
        self.assertFalse(offer["available"])
        self.assertEqual(offer["max_amount"], 50.0)
        self.jne.cod_max_amount = 200.0
        offer = self.jne._cod_offer(order)
        self.assertTrue(offer["available"], offer["reason"])
        self.assertEqual(offer["max_amount"], 200.0)

    def test_payment_page_of_the_portal_customer(self):
        """The customer's own payment step lists cash on delivery with a
        Biteship service that collects cash, not with one that does not."""
        self.check_portal_payment_page(
            self.jne, self.jnt, lambda: len(self.server.rates_requests)
        )

    # -- booking and the courier's news ------------------------------------------

    def test_booked_with_the_amount_then_collected(self):
        self.jne.cod_disbursement = "3_days"
        order = self.provider_cart(self.jne)
        self.pay_cod(order)
        self.assertEqual((order.is_cod, order.cod_state), (True, "to_collect"))
        fee = self._quoted_fee(order)
        self.assertAlmostEqual(
            order._cod_fee_lines().price_unit, round(self._usd(fee), 2), places=2
        )
        picking = self.ship(order)
        self.assertEqual(picking.shipment_state, "label_created")
        booked = self.server.orders[picking.carrier_shipment_id]
        cod = booked["destination"]["cash_on_delivery"]
        self.assertEqual(cod["amount"], round(order.amount_total * IDR_PER_USD))
        self.assertEqual(cod["type"], "3_days")

        self._webhook(picking, "picked")
        self.assertEqual(order.cod_state, "to_collect")
        self._webhook(picking, "delivered")
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(order.cod_state, "collected")
        cod_line = order.cod_collection_move_id.line_ids.filtered(
            lambda line: line.account_id == order.company_id.cod_receivable_account_id
        )
        self.assertEqual(
            cod_line.partner_id, self.env.ref("delivery_biteship_cod.partner_biteship")
        )
        self.assertAlmostEqual(cod_line.balance, order.amount_total, places=2)
        self.assertEqual(self.receivable_balance(self.customer), 0.0)

    def test_chosen_service_booked_with_the_amount(self):
        order = self.provider_cart(self.shopping, service="sicepat:reg")
        self.pay_cod(order)
        picking = self.ship(order)
        booked = self.server.orders[picking.carrier_shipment_id]
        self.assertEqual(
            (booked["courier"]["company"], booked["courier"]["type"]),
            ("sicepat", "reg"),
        )
        cod = booked["destination"]["cash_on_delivery"]
        self.assertEqual(cod["amount"], round(order.amount_total * IDR_PER_USD))
        self.assertEqual(cod["type"], "7_days")

    def test_returned_parcel_is_not_collected(self):
        order = self.provider_cart(self.jne)
        self.pay_cod(order)
        picking = self.ship(order)
        # With the project's modules (sale_order_fulfilment_cod_return): the
        # parcel coming back is a return to sender, the COD fails when a
        # person cancels at receipt (tested there).
        self._webhook(picking, "return_in_transit")
        self.assertEqual(order.fulfilment_state, "returning")
        self.assertFalse(order.fulfilment_may_automate)
        self.assertFalse(order.cod_collection_move_id)
        ret = picking.rts_return_id
        self.assertEqual(ret.origin, "carrier")
        self._webhook(picking, "returned")
        self.assertEqual(picking.shipment_state, "returned")
        self.assertEqual(picking.rts_return_id, ret)
        self.assertEqual(len(picking.return_ids), 1)
        self.assertEqual(order.cod_state, "to_collect")
        self.assertFalse(order.cod_collection_move_id)

    def test_return_of_a_cod_order_books_no_cash_and_moves_no_money(self):
        """The customer sends goods of a collected COD order back: the return
        is a Biteship order without cash on delivery, and its parcel's news
        (delivered to the shop, or sent back to the customer) never moves the
        order's cash: the COD triggers read deliveries only."""
        order = self.provider_cart(self.jne)
        self.pay_cod(order)
        delivery = self.ship(order)
        self._webhook(delivery, "delivered")
        self.assertEqual(order.cod_state, "collected")
        collection = order.cod_collection_move_id
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1.0
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        returned.carrier_id = self.jne  # kept by the return module
        self.assertEqual(returned._get_cod_amount_to_collect(), 0.0)
        returned.print_return_label()
        body = self.server.order_requests[-1]
        self.assertEqual(body["reference_id"], returned.name)
        self.assertNotIn("destination_cash_on_delivery", body)
        self.assertNotIn("destination_cash_on_delivery_type", body)
        booked = self.server.orders[returned.carrier_shipment_id]
        self.assertEqual(booked["destination"]["cash_on_delivery"]["amount"], 0)
        for status in ("return_in_transit", "delivered"):
            self._webhook(returned, status)
            self.assertEqual(order.cod_state, "collected")
            self.assertEqual(order.cod_collection_move_id, collection)
            self.assertFalse(order.fulfilment_exception)
        self.assertEqual(returned.shipment_state, "delivered")

    def test_rejected_and_disposed_parcels_are_not_collected(self):
        for status in ("rejected", "disposed"):
            order = self.provider_cart(self.jne)
            self.pay_cod(order)
            picking = self.ship(order)
            self._webhook(picking, status)
            self.assertEqual(order.cod_state, "failed", status)
            self.assertIn(status, order.fulfilment_exception_reason or "", status)

    def test_booking_refused_before_anything_is_booked(self):
        # The rupiah rate fell after the order: its cash is now over
        # Biteship's IDR 15,000,000.
        order = self.provider_cart(self.jne)
        self.pay_cod(order)
        self.idr_rate.rate = 1_000_000.0
        picking = self.ship(order)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertEqual(self.server.orders_created, 0)
        self.assertIn("15,000,000", self._notes(picking))

        # No IDR rate at all: refused, nothing booked either.
        self.idr_rate.rate = IDR_PER_USD
        order = self.provider_cart(self.jne)
        self.pay_cod(order)
        self.idr_rate.unlink()
        picking = self.ship(order)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertEqual(self.server.orders_created, 0)
        self.assertIn("no IDR exchange rate", self._notes(picking))

    def test_courier_without_cod_refuses_the_booking(self):
        # The warehouse switches the delivery to J&T EZ, which Biteship does
        # not let collect cash (40002009): label pending with Biteship's word.
        order = self.provider_cart(self.jne)
        self.pay_cod(order)
        picking = order.picking_ids
        picking.carrier_id = self.jnt
        picking = self.ship(order)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertEqual(self.server.orders_created, 0)
        self.assertIn("not available for cash on delivery", self._notes(picking))
