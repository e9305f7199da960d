import json

from odoo import fields
from odoo.addons.base.tests.common import HttpCaseWithUserPortal
from odoo.addons.delivery_carrier_tracking.tests.common import apply_webhook_inbox
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import HttpCase, TransactionCase

from ..kiriminaja import KiriminAjaClient, KiriminAjaRequestError
from ..kiriminaja.client import (
    INSTANT_FIND_DRIVER,
    INSTANT_PICKUP,
    INSTANT_PRICING,
    INSTANT_TRACKING,
    INSTANT_VOID,
    SHIPPING_PRICE,
)
from .common import API_KEY, CheckoutRoutesMixin, KiriminAjaShipped

# Gambir (the warehouse) and a customer 4.2 km away: 5 started km
WAREHOUSE_AT = (-6.1767, 106.8262)
CUSTOMER_AT = (-6.2088, 106.8456)
BANDUNG = (-6.9175, 107.6191)  # 120 km from the warehouse


class InstantShop(KiriminAjaShipped):
    """The shop with map positions and a GoSend Instant method (the class's
    carrier)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.write(
            {"partner_latitude": WAREHOUSE_AT[0], "partner_longitude": WAREHOUSE_AT[1]}
        )
        cls.customer.write(
            {
                "street": "Jl. Kebon Sirih 12",
                "street2": "Dekat masjid",
                "city": "Jakarta Pusat",
                "partner_latitude": CUSTOMER_AT[0],
                "partner_longitude": CUSTOMER_AT[1],
            }
        )
        cls.carrier = cls.env["delivery.carrier"].create(cls._instant_values())
        cls.salesman = new_test_user(
            cls.env, login="ka_instant_sales", groups="sales_team.group_sale_salesman"
        )

    @classmethod
    def _instant_values(cls, **values):
        return {
            "name": "KiriminAja GoSend Instant",
            "delivery_type": "kiriminaja",
            "product_id": cls.carrier.product_id.id,
            "kiriminaja_api_key": API_KEY,
            "kiriminaja_base_url": cls.server.url,
            "kiriminaja_kind": "instant",
            "kiriminaja_courier": "gosend",
            "kiriminaja_service": "instant",
            **values,
        }

    def _company(self, rupiah):
        company = self.env.company
        return self.env.ref("base.IDR")._convert(
            rupiah, company.currency_id, company, self.env.cr.now()
        )


@tagged("post_install", "-at_install")
class TestInstant(InstantShop, TransactionCase):
    """KiriminAja's instant couriers (/docs/instant/*): a GoSend Instant
    method priced by map positions, booked when the warehouse user validates
    the delivery, polled, cancelled."""

    # -- settings ----------------------------------------------------------

    def test_method_settings(self):
        self.assertEqual(self.carrier.kiriminaja_vehicle, "motor")
        carriers = self.env["delivery.carrier"]
        with self.assertRaisesRegex(ValidationError, "gosend, grab_express, borzo"):
            carriers.create(self._instant_values(kiriminaja_courier="jne"))
        with self.assertRaisesRegex(ValidationError, "cannot be insured"):
            carriers.create(self._instant_values(kiriminaja_insurance=True))

    # -- rates ---------------------------------------------------------------

    def test_rate_by_map_positions(self):
        order = self._order(qty=2)  # 1.5 kg
        rate = self.carrier.with_user(self.salesman).rate_shipment(
            order.with_user(self.salesman)
        )
        self.assertTrue(rate["success"], rate["error_message"])
        # GoSend Instant by motorbike: 5 km x 2,500 and the 1,000 admin fee
        self.assertAlmostEqual(rate["price"], self._company(13500), 2)
        self.assertEqual(rate["kiriminaja_service"], "gosend:INSTANT")
        [request] = self.server.calls(INSTANT_PRICING)
        self.assertFalse(self.server.calls(SHIPPING_PRICE), "no district pricing")
        self.assertEqual(request["service"], ["gosend"])
        self.assertEqual(request["weight"], 1500)
        self.assertEqual(request["vehicle"], "motor")
        self.assertEqual(request["timezone"], "WIB")
        self.assertEqual(
            request["origin"],
            {
                "lat": WAREHOUSE_AT[0],
                "long": WAREHOUSE_AT[1],
                "address": "Jl. Gudang 1, Jakarta Pusat, 10110",
            },
        )
        self.assertEqual(
            (request["destination"]["lat"], request["destination"]["long"]),
            CUSTOMER_AT,
        )
        # the same cart again: KiriminAja's answer kept on the order
        self.carrier.rate_shipment(order)
        self.assertEqual(len(self.server.calls(INSTANT_PRICING)), 1)
        # a car costs twice the shipping (the stand-in's prices)
        self.carrier.kiriminaja_vehicle = "mobil"
        rate = self.carrier.rate_shipment(order)
        self.assertAlmostEqual(rate["price"], self._company(26000), 2)
        self.assertEqual(self.server.calls(INSTANT_PRICING)[-1]["vehicle"], "mobil")

    def test_checkout_services(self):
        self.carrier.checkout_rate_shopping = True
        order = self._order()
        services = {
            s["code"]: s for s in self.carrier._kiriminaja_checkout_services(order)
        }
        self.assertEqual(set(services), {"gosend:INSTANT", "gosend:SAMEDAY"})
        instant = services["gosend:INSTANT"]
        self.assertEqual(instant["name"], "GoSend Instant")
        self.assertEqual(instant["etd"], "1-2 hours")
        self.assertEqual(instant["etd_hours"], 2)
        self.assertFalse(instant["cod"])
        self.assertAlmostEqual(
            services["gosend:SAMEDAY"]["price"], self._company(8500), 2
        )
        # the customer's choice is what the order ships with
        order._set_checkout_service(self.carrier, "gosend:SAMEDAY")
        self.assertEqual(order.kiriminaja_service_code, "gosend:SAMEDAY")
        self.assertEqual(
            self.carrier._kiriminaja_order_service(order), ("gosend", "SAMEDAY")
        )

    def test_missing_map_position_named_before_any_call(self):
        self.customer.partner_longitude = self.customer.partner_latitude = 0.0
        rate = self.carrier.rate_shipment(self._order())
        self.assertFalse(rate["success"])
        self.assertIn("Budi Santoso", rate["error_message"])
        self.assertIn("latitude and longitude", rate["error_message"])
        self.assertEqual(self.server.hits, 0)

        self.customer.write(
            {"partner_latitude": CUSTOMER_AT[0], "partner_longitude": CUSTOMER_AT[1]}
        )
        self.env.company.partner_id.partner_latitude = 0.0
        self.env.company.partner_id.partner_longitude = 0.0
        picking = self._picking()
        with self.assertRaisesRegex(UserError, self.env.company.partner_id.name):
            self.carrier._kiriminaja_instant_payload(
                picking, self.carrier._kiriminaja_client()
            )
        self.assertEqual(self.server.hits, 0)
        self._validate(picking, self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(picking.carrier_shipment_id)
        self.assertEqual(self.server.hits, 0)

    # -- booking -------------------------------------------------------------

    def test_booking_by_the_warehouse_user(self):
        picking = self._validate(self._picking(), self.warehouse_user)
        [body] = self.server.calls(INSTANT_PICKUP)
        [package] = body["packages"]
        prefix = self.carrier._kiriminaja_order_prefix()
        self.assertEqual(
            (body["service"], body["service_type"], body["vehicle"]),
            ("gosend", "instant", "motor"),
        )
        self.assertEqual(body["order_prefix"], prefix)
        self.assertEqual(package["order_id"], f"{prefix}{picking.id}-1")
        self.assertEqual(picking.carrier_shipment_id, package["order_id"])
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual((package["origin_lat"], package["origin_long"]), WAREHOUSE_AT)
        self.assertEqual(package["origin_phone"], "62215550100")
        self.assertEqual(package["origin_address_note"], "-")
        self.assertEqual(package["destination_phone"], "081234567890")
        self.assertEqual(package["destination_address_note"], "Dekat masjid")
        self.assertEqual(package["shipping_price"], 12500)  # without admin fee
        self.assertEqual(package["item"]["weight_kg"], 2)  # 1.5 kg
        self.assertEqual(package["item"]["description"], picking.name)
        self.assertNotIn("cod", package)
        # what the shop pays: shipping and admin fee
        self.assertAlmostEqual(picking.carrier_price, self._company(13500), 2)
        # the instant payment (QRIS) waits for the shop
        self.assertIn(
            "Pay the KiriminAja pickup", picking.activity_ids.mapped("summary")
        )

    def test_lost_answer_then_retry_books_once(self):
        self.server.lose_answer_of = INSTANT_PICKUP
        picking = self._validate(self._picking(), self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_pending")
        [order_id] = self.server.instant_orders  # KiriminAja took it
        self.assertEqual(picking.carrier_shipment_id, order_id)

        self.assertTrue(picking.with_user(self.warehouse_user).send_to_shipper())
        self.assertEqual(len(self.server.calls(INSTANT_PICKUP)), 1)
        self.assertEqual(self.server.calls(INSTANT_TRACKING), [{"order_id": order_id}])
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(picking.carrier_shipment_id, order_id)
        self.assertEqual(
            picking.carrier_tracking_ref,
            self.server.instant_orders[order_id]["tracking_code"],
        )
        self.assertAlmostEqual(picking.carrier_price, self._company(13500), 2)
        self.assertFalse(picking.send_to_shipper())
        self.assertEqual(len(self.server.calls(INSTANT_PICKUP)), 1)

    def test_refused_booking_is_not_adopted(self):
        # 120 km: "cannot process the request, distance more than 40km"
        self.customer.write(
            {"partner_latitude": BANDUNG[0], "partner_longitude": BANDUNG[1]}
        )
        picking = self._validate(self._picking(), self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(picking.carrier_shipment_id)
        self.assertFalse(self.server.instant_orders)
        notes = " ".join(str(body) for body in picking.message_ids.mapped("body"))
        self.assertIn("distance more than 40km", notes)

    # -- tracking ------------------------------------------------------------

    def test_poll_to_delivered(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        self.assertEqual(self.carrier.kiriminaja_tracking_update(picking), {})
        awb = self.server.instant_orders[order_id]["tracking_code"]
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(
            picking.tracking_event_ids.mapped("status_code"), ["instant_created"]
        )

        self.server.instant_allocate(order_id)
        self.carrier.kiriminaja_tracking_update(picking)
        live = f"https://gojek.example/live/{order_id}"
        self.assertEqual(picking.kiriminaja_live_url, live)
        self.assertEqual(self.carrier.get_tracking_link(picking), live)
        self.assertEqual(picking.shipment_state, "label_created")

        self.server.instant_finish(order_id)
        self.carrier.kiriminaja_tracking_update(picking)
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(
            sorted(picking.tracking_event_ids.mapped("status_code")),
            ["instant_allocated", "instant_created", "instant_finished"],
        )
        delivered = picking.tracking_event_ids.filtered(
            lambda e: e.status_code == "instant_finished"
        )
        self.assertEqual(str(delivered.event_time), "2026-02-16 03:10:00")
        self.assertEqual(delivered.description, "Parcel delivered to the recipient")
        # polled again: nothing new
        self.carrier.kiriminaja_tracking_update(picking)
        self.assertEqual(len(picking.tracking_event_ids), 3)
        self.assertEqual(
            {body["order_id"] for body in self.server.calls(INSTANT_TRACKING)},
            {order_id},
        )

    # -- cancel --------------------------------------------------------------

    def test_cancel(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        self.assertIs(picking.with_user(self.warehouse_user).cancel_shipment(), True)
        self.assertEqual(self.server.calls(INSTANT_VOID), [{"order_id": order_id}])
        self.assertTrue(self.server.instant_orders[order_id]["date"]["canceled_at"])
        self.assertEqual(picking.shipment_state, "cancelled")
        self.assertFalse(
            self.env["delivery.carrier.booking"]._known_ids(self.carrier, picking)
        )
        # the poll agrees, and the dead package is never adopted again
        self.assertIsNone(self.carrier.kiriminaja_booking_lookup(picking, order_id))

    def test_cancel_refused_once_delivered(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        self.server.instant_finish(order_id)
        with self.assertRaisesRegex(UserError, "tidak dapat dibatalkan"):
            picking.with_user(self.warehouse_user).cancel_shipment()
        self.assertEqual(picking.carrier_shipment_id, order_id)
        self.assertNotEqual(picking.shipment_state, "cancelled")
        self.assertFalse(self.server.instant_orders[order_id]["date"]["canceled_at"])

    def test_no_pickup_to_schedule(self):
        picking = self._shipped()
        self.carrier.kiriminaja_tracking_update(picking)  # its AWB
        self.server.requests.clear()
        with self.assertRaisesRegex(UserError, "no pickup to schedule"):
            picking.with_user(self.warehouse_user).action_open_pickup_schedule()
        self.assertFalse(picking.pickup_id)
        self.assertFalse(self.server.requests)

    # -- the stand-in keeps KiriminAja's instant rules -------------------------

    def test_standin_refuses_a_client_breaking_the_rules(self):
        client = KiriminAjaClient(API_KEY, base_url=self.server.url)
        place = {"lat": WAREHOUSE_AT[0], "long": WAREHOUSE_AT[1], "address": "Jl. A"}
        good = {
            "service": ["gosend"],
            "item_price": 10000,
            "origin": place,
            "destination": dict(place, lat=CUSTOMER_AT[0], long=CUSTOMER_AT[1]),
            "weight": 1000,
        }
        self.assertEqual(client.instant_pricing(good)[0]["name"], "gosend")
        refusals = {
            "must be a number": dict(good, origin=dict(place, lat="-6.17")),
            "origin.lat is out of range": dict(good, origin=dict(place, lat=-96.1)),
            "vehicle must be one of": dict(good, vehicle="truk"),
            "service must be an array": dict(good, service=["jne"]),
            "item_price": {k: v for k, v in good.items() if k != "item_price"},
        }
        for text, payload in refusals.items():
            with self.assertRaisesRegex(KiriminAjaRequestError, text):
                client.instant_pricing(payload)

        picking = self._picking()
        payload, _price = self.carrier._kiriminaja_instant_payload(picking, client)
        [package] = payload["packages"]
        broken = {
            "shipping_price does not match": dict(
                payload, packages=[dict(package, shipping_price=1000)]
            ),
            "takes one destination": dict(
                payload,
                packages=[package, dict(package, order_id=package["order_id"] + "b")],
            ),
            "service_type sameday is not available": dict(
                payload, service="borzo", service_type="sameday"
            ),
            "begin with the order_prefix": dict(payload, order_prefix="XYZ"),
            "address_note field is required": dict(
                payload, packages=[dict(package, destination_address_note="")]
            ),
        }
        for text, body in broken.items():
            with self.assertRaisesRegex(KiriminAjaRequestError, text):
                client.instant_pickup(body)
        self.assertFalse(self.server.instant_orders)
        client.instant_pickup(payload)
        with self.assertRaisesRegex(KiriminAjaRequestError, "sudah ada sebelumnya"):
            client.instant_pickup(payload)
        # unknown ids: tracking says none, the others refuse
        self.assertIsNone(client.instant_tracking("ODO-nothing"))
        with self.assertRaisesRegex(KiriminAjaRequestError, "data not found"):
            client.instant_void("ODO-nothing")
        with self.assertRaisesRegex(KiriminAjaRequestError, "tidak valid"):
            client.instant_find_new_driver("ODO-nothing")
        # another driver for a booked package
        order_id = package["order_id"]
        self.server.instant_allocate(order_id)
        answer = client.instant_find_new_driver(order_id)
        self.assertEqual(answer["order_id"], order_id)
        self.assertEqual(
            self.server.calls(INSTANT_FIND_DRIVER)[-1], {"order_id": order_id}
        )
        self.assertIsNone(self.server.instant_orders[order_id]["date"]["allocated_at"])


@tagged("post_install", "-at_install")
class TestInstantCallback(InstantShop, HttpCase):
    """update_instant_packages (/docs/webhook/event, "Instant Package") on
    the public tracking webhook route."""

    def test_callback_asks_the_poll(self):
        picking = self._shipped()
        order_id = picking.carrier_shipment_id
        self.server.instant_allocate(order_id)
        picking.tracking_next_poll_at = fields.Datetime.add(
            fields.Datetime.now(), hours=1
        )
        self.env.flush_all()  # committed long before KiriminAja calls back
        url = f"{self.base_url()}/delivery_tracking/webhook/{self.carrier.id}"
        status, body = self.server.callback(
            url,
            "update_instant_packages",
            self.server.instant_callback_data(order_id, "allocated"),
            API_KEY,
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["accepted"], 1)
        self.assertEqual(apply_webhook_inbox(self.env)["applied"], 1)
        awb = self.server.instant_orders[order_id]["tracking_code"]
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(
            picking.kiriminaja_live_url, f"https://gojek.example/live/{order_id}"
        )
        # the state comes from the poll, due at once
        self.assertLessEqual(picking.tracking_next_poll_at, fields.Datetime.now())
        self.assertFalse(self.server.calls(INSTANT_TRACKING))

        # a wrong bearer token is refused, nothing applied
        status, _body = self.server.callback(
            url,
            "update_instant_packages",
            self.server.instant_callback_data(order_id, "cancel"),
            "not-the-key",
        )
        self.assertEqual(status, 403)


@tagged("post_install", "-at_install")
class TestInstantCheckoutAsPortal(
    CheckoutRoutesMixin, InstantShop, HttpCaseWithUserPortal
):
    """A portal customer chooses GoSend Same Day at checkout
    (website_sale_delivery_services' route), priced by map positions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_checkout(
            {
                "street": "Jl. Cikini Raya 5",
                "city": "Jakarta Pusat",
                "phone": "+62 21 555 0199",
            }
        )

    def test_portal_customer_chooses_an_instant_service(self):
        cart = self.portal_cart()
        # no map position yet: the message names the customer, nothing asked
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertFalse(summary["success"], summary)
        self.assertIn(self.partner_portal.name, summary["error_message"])
        self.assertFalse(self.server.calls(INSTANT_PRICING))

        self.partner_portal.write(
            {"partner_latitude": CUSTOMER_AT[0], "partner_longitude": CUSTOMER_AT[1]}
        )
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.assertTrue(summary["success"], summary)
        services = {s["key"]: s for s in summary["delivery_services"]}
        self.assertEqual(set(services), {"gosend:INSTANT", "gosend:SAMEDAY"})
        self.assertTrue(services["gosend:INSTANT"]["selected"])
        self.assertEqual(services["gosend:INSTANT"]["duration"], "1-2 hours")
        self.assertTrue(services["gosend:INSTANT"]["fastest"])
        self.assertTrue(services["gosend:SAMEDAY"]["cheapest"])
        # 5 km x 1,500 and the admin fee
        self.choose_service(cart, "gosend:SAMEDAY", 8500)
        self.assertEqual(len(self.server.calls(INSTANT_PRICING)), 1)
