from odoo.tests import tagged

from ..kiriminaja import KiriminAjaRequestError
from ..kiriminaja.client import REQUEST_PICKUP, TRACKING
from .common import KiriminAjaShippedCase


@tagged("post_install", "-at_install")
class TestBooking(KiriminAjaShippedCase):
    """request_pickup at validation, through the booking guard."""

    def test_booking(self):
        picking = self._validate(self._picking(), self.warehouse_user)
        [body] = self.server.calls(REQUEST_PICKUP)
        [package] = body["packages"]
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(picking.carrier_shipment_id, package["order_id"])
        prefix = self.carrier._kiriminaja_order_prefix()
        self.assertEqual(package["order_id"], f"{prefix}{picking.id}-1")
        self.assertEqual(body["kecamatan_id"], 2001)
        self.assertEqual(body["phone"], "62215550100")
        self.assertEqual(body["schedule"], "2030-02-16 08:00:00")  # not the holiday
        self.assertEqual(package["destination_kecamatan_id"], 2302)
        self.assertEqual(package["destination_phone"], "081234567890")
        self.assertEqual(package["weight"], 1500)
        self.assertEqual(package["shipping_cost"], 28000)  # 2 kg x 14,000
        self.assertEqual(package["cod"], 0)
        self.assertEqual(
            (package["service"], package["service_type"]), ("jne", "REG23")
        )
        idr = self.env.ref("base.IDR")
        self.assertAlmostEqual(
            picking.carrier_price,
            idr._convert(
                28000, self.env.company.currency_id, self.env.company, picking.date
            ),
            2,
        )
        # the AWB comes later: KiriminAja validates the package first
        self.assertFalse(picking.carrier_tracking_ref)
        awb = self.server.process(package["order_id"])
        answer = self.carrier.kiriminaja_booking_lookup(picking, package["order_id"])
        self.assertEqual(answer["details"]["awb"], awb)
        self.carrier.tracking_url = (
            "https://track.example.com/?awb=<shipmenttrackingnumber>"
        )
        self.carrier.kiriminaja_booking_adopt(picking, answer)
        self.assertEqual(picking.carrier_tracking_ref, awb)
        self.assertEqual(
            self.carrier.get_tracking_link(picking),
            f"https://track.example.com/?awb={awb}",
        )

    def test_lost_answer_then_retry_books_once(self):
        self.server.lose_answer_of = REQUEST_PICKUP
        picking = self._validate(self._picking())
        self.assertEqual(picking.shipment_state, "label_pending")
        [order_id] = self.server.orders  # KiriminAja took it
        self.assertEqual(picking.carrier_shipment_id, order_id)
        self.server.process(order_id)
        self.assertTrue(picking.send_to_shipper())
        self.assertEqual(len(self.server.calls(REQUEST_PICKUP)), 1)
        self.assertEqual(self.server.calls(TRACKING), [{"order_id": order_id}])
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(picking.carrier_shipment_id, order_id)
        self.assertEqual(
            picking.carrier_tracking_ref, self.server.orders[order_id]["awb"]
        )
        # a second retry: already shipped, nothing asked
        self.assertFalse(picking.send_to_shipper())
        self.assertEqual(len(self.server.calls(REQUEST_PICKUP)), 1)

    def test_refused_payload_names_the_field(self):
        picking = self._picking()
        # the id is taken on the account (another database using the key)
        prefix = self.carrier._kiriminaja_order_prefix()
        self.server.orders[f"{prefix}{picking.id}-1"] = {"awb": None}
        self._validate(picking)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertEqual(len(self.server.calls(REQUEST_PICKUP)), 1)
        self.assertFalse(picking.carrier_shipment_id)  # nothing booked
        self.assertIn(
            "packages.0.order_id has already been taken",
            str(picking.message_ids.mapped("body")),
        )

    def test_stand_in_refuses_a_package_without_a_required_field(self):
        payload = self.carrier._kiriminaja_pickup_payload(
            self._picking(), self.carrier._kiriminaja_client()
        )
        self.assertEqual(payload["packages"][0]["package_type_id"], 1)
        self.assertEqual(payload["packages"][0]["item_name"], self.product.name)
        for field in ("destination_phone", "package_type_id", "item_name"):
            broken = dict(payload, packages=[dict(payload["packages"][0])])
            del broken["packages"][0][field]
            with self.assertRaisesRegex(KiriminAjaRequestError, f"packages.0.{field}"):
                self.carrier._kiriminaja_client().request_pickup(broken)
        self.assertFalse(self.server.orders)

    def test_unpriced_service_refused_before_booking(self):
        self.carrier.kiriminaja_service = "NOPE"
        picking = self._validate(self._picking())
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(self.server.calls(REQUEST_PICKUP))
        self.assertIn("jne NOPE", str(picking.message_ids.mapped("body")))

    def test_phone_checked_before_any_call(self):
        self.customer.phone = "12345"
        picking = self._validate(self._picking())
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(self.server.requests)
        self.assertIn("recipient's phone", str(picking.message_ids.mapped("body")))

    def test_books_the_service_the_customer_chose(self):
        self.carrier.checkout_rate_shopping = True
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "carrier_id": self.carrier.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 2.0})
                ],
            }
        )
        order.action_confirm()
        order.kiriminaja_service_code = "jne:YES23"  # chosen at checkout
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 2.0, "picked": True})
        self._validate(picking, self.warehouse_user)
        [body] = self.server.calls(REQUEST_PICKUP)
        [package] = body["packages"]
        self.assertEqual(
            (package["service"], package["service_type"]), ("jne", "YES23")
        )
        # stored once for the freight audit and the scorecard
        self.assertEqual(
            (picking.shipment_courier, picking.shipment_service), ("JNE", "YES23")
        )
        # without rate shopping the method's own service is booked
        self.carrier.checkout_rate_shopping = False
        self.assertEqual(
            self.carrier._kiriminaja_booked_service(picking), ("jne", "REG23")
        )

    def test_unpaid_pickup_asks_for_payment(self):
        self.server.payment_status = "pending"
        picking = self._validate(self._picking(), self.warehouse_user)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertIn("XID-00000001", str(picking.message_ids.mapped("body")))
        self.assertEqual(
            picking.activity_ids.mapped("summary"), ["Pay the KiriminAja pickup"]
        )
