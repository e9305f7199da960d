import requests
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import API_KEY, BiteshipCommon, standin_order

SIX = "jne:reg, jnt:ez, sicepat:reg, anteraja:reg, gojek:instant, grab:instant"
# warehouse in Jakarta, customer in Bandung (about 116 km apart)
JAKARTA = (-6.1754, 106.8272)
BANDUNG = (-6.9175, 107.6191)


@tagged("post_install", "-at_install")
class TestBiteshipRateShopping(BiteshipCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shopping = cls._create_biteship_carrier(
            "Biteship couriers",
            checkout_rate_shopping=True,
            biteship_services=SIX,
        )
        cls.idr = cls.env.ref("base.IDR")

    def _locate(self):
        self.env.company.partner_id.write(
            {"partner_latitude": JAKARTA[0], "partner_longitude": JAKARTA[1]}
        )
        self.customer.write(
            {"partner_latitude": BANDUNG[0], "partner_longitude": BANDUNG[1]}
        )

    def _usd(self, idr):
        return self.idr._convert(
            idr, self.env.company.currency_id, self.env.company, self.env.cr.now()
        )

    def _keys(self, options, flag=None):
        return [o["key"] for o in options if flag is None or o[flag]]

    # -- the stand-in enforces Biteship's documented rules ---------------------

    def test_standin_prices_every_courier_and_instant_only_with_coordinates(self):
        body = {
            "origin_postal_code": 10110,
            "destination_postal_code": 40111,
            "couriers": "jne,gojek,grab",
            "items": [{"name": "Kopi", "value": 1000, "quantity": 1, "weight": 900}],
        }
        headers = {"authorization": API_KEY}
        url = f"{self.server.url}/v1/rates/couriers"
        pricing = requests.post(url, json=body, headers=headers, timeout=5).json()[
            "pricing"
        ]
        self.assertEqual({p["company"] for p in pricing}, {"jne"}, "no coordinates")
        located = dict(
            body,
            origin_latitude=JAKARTA[0],
            origin_longitude=JAKARTA[1],
            destination_latitude=BANDUNG[0],
            destination_longitude=BANDUNG[1],
        )
        pricing = requests.post(url, json=located, headers=headers, timeout=5).json()[
            "pricing"
        ]
        self.assertEqual({p["company"] for p in pricing}, {"jne", "gojek", "grab"})
        gojek = next(p for p in pricing if p["courier_service_code"] == "instant")
        self.assertEqual(gojek["shipment_duration_unit"], "hours")
        # an instant order without coordinates is refused
        order = standin_order("gojek", "instant", body["items"])
        answer = requests.post(
            f"{self.server.url}/v1/orders", json=order, headers=headers, timeout=5
        )
        self.assertEqual(answer.status_code, 400)
        self.assertIn("origin_coordinate", answer.json()["error"])
        self.assertEqual(self.server.orders_created, 0)

    # -- rate shopping ---------------------------------------------------------

    def test_one_request_for_six_services(self):
        self._locate()
        order = self._sale_order()  # 3 x 0.75 kg -> 3 kg
        rate = self.shopping.rate_shipment(order)
        self.assertTrue(rate["success"], rate["error_message"])
        [request] = self.server.rates_requests
        self.assertEqual(request["couriers"], "jne,jnt,sicepat,anteraja,gojek,grab")
        self.assertEqual(request["origin_latitude"], JAKARTA[0])
        self.assertEqual(request["destination_longitude"], BANDUNG[1])
        options = self.shopping._biteship_rate_options(order)
        self.assertEqual(
            self._keys(options),
            [
                "jne:reg",
                "jnt:ez",
                "sicepat:reg",
                "anteraja:reg",
                "gojek:instant",
                "grab:instant",
            ],
            "the configured services only (not jne:yes, gojek:same_day...)",
        )
        self.assertEqual(self._keys(options, "cheapest"), ["sicepat:reg"])
        self.assertEqual(self._keys(options, "fastest"), ["gojek:instant"])
        by_key = {o["key"]: o for o in options}
        self.assertEqual(by_key["jnt:ez"]["price"], 9500 * 3)
        self.assertEqual(by_key["jnt:ez"]["duration"], "2 - 3 days")
        self.assertEqual(by_key["grab:instant"]["duration"], "1 - 3 hours")
        # without a choice the checkout price is the cheapest service's
        self.assertEqual(rate["biteship_service"], "sicepat:reg")
        self.assertAlmostEqual(rate["price"], self._usd(8500 * 3), places=2)
        self.assertEqual(len(self.server.rates_requests), 1, "options from the cache")

    def test_cache_per_cart_address_and_weight(self):
        order = self._sale_order()
        for _i in range(3):  # the several requests of one checkout page
            self.assertTrue(self.shopping.rate_shipment(order)["success"])
        order.set_delivery_line(self.shopping, 1.0)
        self.assertEqual(len(self.server.rates_requests), 1)

        order.order_line.filtered(lambda line: not line.is_delivery).product_uom_qty = 5
        self.shopping.rate_shipment(order)
        self.assertEqual(len(self.server.rates_requests), 2, "new cart: new rates")

        elsewhere = self.customer.copy({"zip": "60111", "city": "Surabaya"})
        order.partner_shipping_id = elsewhere
        self.shopping.rate_shipment(order)
        self.shopping.rate_shipment(order)
        self.assertEqual(len(self.server.rates_requests), 3, "new address: new rates")
        self.assertEqual(
            self.server.rates_requests[-1]["destination_postal_code"], 60111
        )

        self.product.weight = 2.0
        self.shopping.rate_shipment(order)
        self.assertEqual(len(self.server.rates_requests), 4, "new weight: new rates")

        # another rate-shopping method on the same cart asks for its own list
        other = self.shopping.copy({"biteship_services": "jne:reg"})
        other.biteship_api_key = API_KEY
        other.rate_shipment(order)
        self.assertEqual(self.server.rates_requests[-1]["couriers"], "jne")

    def test_instant_couriers_only_with_coordinates(self):
        order = self._sale_order()
        self.shopping.rate_shipment(order)
        [request] = self.server.rates_requests
        self.assertEqual(request["couriers"], "jne,jnt,sicepat,anteraja")
        self.assertNotIn("origin_latitude", request)
        options = self.shopping._biteship_rate_options(order)
        self.assertFalse([o for o in options if o["instant"]])
        # the warehouse alone is not enough
        self.env.company.partner_id.write(
            {"partner_latitude": JAKARTA[0], "partner_longitude": JAKARTA[1]}
        )
        self.shopping.rate_shipment(order)
        self.assertEqual(
            self.server.rates_requests[-1]["couriers"], "jne,jnt,sicepat,anteraja"
        )
        self._locate()
        self.assertEqual(
            self._keys(self.shopping._biteship_rate_options(order), "instant"),
            ["gojek:instant", "grab:instant"],
        )

    def test_biteship_down(self):
        order = self._sale_order()
        self.server.inject("500", count=5)
        rate = self.shopping.rate_shipment(order)
        self.assertFalse(rate["success"])
        self.assertIn("Choose another delivery method", rate["error_message"])
        # the page's other requests do not hammer a failing Biteship
        self.assertFalse(self.shopping.rate_shipment(order)["success"])
        self.assertEqual(self.server.requests, 1)
        # the shop's other methods still price the cart
        self.assertTrue(self.carrier.rate_shipment(order)["success"])
        # nothing chosen, nothing written on the order's delivery
        self.assertFalse(order.biteship_courier_company)
        self.assertFalse(order.order_line.filtered("is_delivery"))

    def test_no_service_for_the_address(self):
        order = self._sale_order(self.customer.copy({"zip": "99123"}))
        rate = self.shopping.rate_shipment(order)
        self.assertFalse(rate["success"])
        self.assertIn("No courier service of Biteship couriers", rate["error_message"])

    def test_chosen_service_booked_at_validation(self):
        order = self._sale_order()
        rate = self.shopping.rate_shipment(order)
        order.set_delivery_line(self.shopping, rate["price"])
        self.assertEqual(order.biteship_courier_company, "sicepat", "cheapest first")

        order._set_checkout_service(self.shopping, "jnt:ez")
        self.assertEqual(
            (order.biteship_courier_company, order.biteship_courier_type),
            ("jnt", "ez"),
        )
        self.assertEqual(order.biteship_service_price, 9500 * 3)
        self.assertEqual(order.biteship_service_duration, "2 - 3 days")
        line = order.order_line.filtered("is_delivery")
        self.assertAlmostEqual(line.price_unit, self._usd(9500 * 3), places=2)
        self.assertIn("J&T Regular, 2 - 3 days", line.name)
        self.assertEqual(len(self.server.rates_requests), 1)
        # the choice survives a later re-pricing of the same cart
        self.assertEqual(
            self.shopping.rate_shipment(order)["biteship_service"], "jnt:ez"
        )

        with self.assertRaisesRegex(UserError, "jne:yes is not offered"):
            order._set_checkout_service(self.shopping, "jne:yes")
        self.assertEqual(order.biteship_courier_company, "jnt")

        order.action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.carrier_id, self.shopping)
        picking.move_ids.write({"quantity": 3, "picked": True})
        self._validate(picking)
        booked = self.server.orders[picking.carrier_shipment_id]
        self.assertEqual(
            (booked["courier"]["company"], booked["courier"]["type"]), ("jnt", "ez")
        )
        self.assertEqual(picking.biteship_courier_company, "jnt")
        self.assertEqual(picking.shipment_state, "label_created")
        # labels name the service the customer chose, as the order does
        self.assertEqual(picking._get_label_courier_service(), ("J&T Regular", ""))
        picking.biteship_courier_type = "reg"  # rebooked by hand: Biteship's codes
        self.assertEqual(picking._get_label_courier_service(), ("JNT", "REG"))

    def test_instant_courier_booked_with_coordinates_and_driver(self):
        self._locate()
        order = self._sale_order()
        order._set_checkout_service(self.shopping, "gojek:instant")
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 3, "picked": True})
        self._validate(picking)
        booked = self.server.orders[picking.carrier_shipment_id]
        self.assertEqual(booked["courier"]["company"], "gojek")
        self.assertEqual(
            booked["destination"]["coordinate"],
            {"latitude": BANDUNG[0], "longitude": BANDUNG[1]},
        )
        self.assertEqual(
            booked["origin"]["coordinate"],
            {"latitude": JAKARTA[0], "longitude": JAKARTA[1]},
        )
        self.server.set_driver(picking.carrier_shipment_id, "Agus", "+62 811 222 333")
        self.server.set_status(picking.carrier_shipment_id, "picking_up")
        self.assertEqual(self.shopping.biteship_tracking_update(picking), {})
        self.assertEqual(picking.biteship_driver_name, "Agus")
        self.assertEqual(picking.biteship_driver_phone, "+62 811 222 333")
        self.assertEqual(picking.biteship_tracking_link, booked["courier"]["link"])
        # the customer's order page shows the driver while the parcel moves
        url = f"/my/orders/{order.id}?access_token={order._portal_ensure_token()}"
        page = self.url_open(url).text
        self.assertIn("GoSend Instant", page)
        self.assertIn("Agus", page)
        self.assertIn('href="tel:+62 811 222 333"', page)
        self.assertIn(booked["courier"]["link"], page)
        self.server.set_status(picking.carrier_shipment_id, "delivered")
        self.shopping.biteship_tracking_update(picking)
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertNotIn("Agus", self.url_open(url).text)

    def test_instant_courier_without_coordinates_refused_at_booking(self):
        self._locate()
        order = self._sale_order()
        order._set_checkout_service(self.shopping, "grab:instant")
        order.action_confirm()
        picking = order.picking_ids
        self.customer.write({"partner_latitude": 0.0, "partner_longitude": 0.0})
        with self.assertRaisesRegex(UserError, "grab is an instant courier.*Budi"):
            self.shopping.send_shipping(picking)
        self.assertEqual(self.server.orders_created, 0)

    def test_configuration(self):
        with self.assertRaisesRegex(ValidationError, "jne reg"):
            self.shopping.biteship_services = "jne reg"
        with self.assertRaisesRegex(ValidationError, "list them"):
            self.shopping.biteship_services = " , "
        # a single-service method still needs its courier and service
        with self.assertRaisesRegex(ValidationError, "courier company"):
            self.shopping.checkout_rate_shopping = False
