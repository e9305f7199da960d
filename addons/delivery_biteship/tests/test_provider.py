from odoo.addons.delivery_biteship.biteship.status import (
    BITESHIP_STATUS_MAP,
    normalize_status,
)
from odoo.exceptions import UserError
from odoo.tests import tagged

from .biteship_server import ORDER_STATUSES
from .common import BiteshipCommon


@tagged("post_install", "-at_install")
class TestBiteshipProvider(BiteshipCommon):
    def test_status_map_covers_documented_statuses(self):
        """The one table and the stand-in know the same statuses: those
        Biteship documents, in_transit and placed (ORDER_STATUSES cites them)."""
        self.assertEqual(set(BITESHIP_STATUS_MAP), set(ORDER_STATUSES))
        self.assertEqual(len(ORDER_STATUSES), 16)
        self.assertEqual(normalize_status("returnInTransit"), "return_in_transit")

    def test_rate_shipment(self):
        order = self._sale_order()
        res = self.biteship.rate_shipment(order)
        self.assertTrue(res["success"], res["error_message"])
        # 3 x 0.75 kg = 2.25 kg -> 3 kg at 9,000 IDR, in the company currency
        expected = self.env.ref("base.IDR")._convert(
            27000, order.company_id.currency_id, order.company_id, order.date_order
        )
        self.assertAlmostEqual(res["price"], expected, places=2)

        far = self.customer.copy({"zip": "99123"})
        res = self.biteship.rate_shipment(self._sale_order(far))
        self.assertFalse(res["success"])
        self.assertIn("JNE REG", res["error_message"])

        self.server.inject("500")
        res = self.biteship.rate_shipment(order)
        self.assertFalse(res["success"])
        self.assertIn("not available", res["error_message"])

        self.product.weight = 0
        res = self.biteship.rate_shipment(order)
        self.assertFalse(res["success"])
        self.assertIn(self.product.name, res["error_message"])

    def test_ship_at_validation(self):
        picking = self._ship()
        self.assertEqual(self.server.orders_created, 1)
        order = self.server.orders[picking.carrier_shipment_id]
        self.assertEqual(picking.carrier_tracking_ref, order["courier"]["waybill_id"])
        self.assertEqual(picking.biteship_tracking_id, order["courier"]["tracking_id"])
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(order["destination"]["postal_code"], 40111)
        self.assertEqual(order["items"][0]["weight"], 750)
        self.assertEqual(order["reference_id"], picking.name)
        self.assertTrue(picking.tracking_label_ids)
        # the method's tracking link (set in the test set-up) wins over
        # Biteship's order page, kept on the delivery
        self.assertEqual(picking.biteship_tracking_link, order["courier"]["link"])
        self.assertEqual(
            self.biteship.get_tracking_link(picking),
            self.biteship.tracking_url.replace(
                "<shipmenttrackingnumber>", picking.carrier_tracking_ref
            ),
        )
        # a second send (manual "Send to Shipper", cron retry) orders nothing new
        self.biteship.send_shipping(picking)
        self.assertEqual(self.server.orders_created, 1)

    def test_package_weight_is_priced(self):
        # Items come from core's packages: the shipping weight the warehouse
        # entered for a package (box included) is what Biteship prices.
        picking = self._create_picking(carrier=self.biteship)  # 2 x 0.75 kg
        package = picking._put_in_pack(picking.move_line_ids)
        package.shipping_weight = 2.0
        self._validate(picking)
        items = self.server.orders[picking.carrier_shipment_id]["items"]
        self.assertEqual([(i["quantity"], i["weight"]) for i in items], [(2, 1000)])

    def test_missing_data_named(self):
        picking = self._create_picking(carrier=self.biteship)
        self.customer.phone = False
        with self.assertRaisesRegex(UserError, "Phone"):
            self.biteship.send_shipping(picking)
        self.customer.phone = "0812"
        self.product.weight = 0
        picking.move_ids.product_id.invalidate_recordset()
        with self.assertRaises(UserError):
            self.biteship.send_shipping(picking)
        self.assertEqual(self.server.orders_created, 0)

    def test_failure_then_retry(self):
        self.server.inject("500")
        picking = self._ship()  # validation stays done, label pending
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(picking.carrier_shipment_id)
        self.assertEqual(self.server.orders_created, 0)
        picking.send_to_shipper()
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(self.server.orders_created, 1)
        picking.send_to_shipper()
        self.assertEqual(self.server.orders_created, 1)

    def test_tracking_update(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        self.server.set_status(order_id, "picked", "Picked up by JNE")
        self.server.set_status(order_id, "dropping_off", "On the way")
        failures = self.biteship.biteship_tracking_update(picking)
        self.assertEqual(failures, {})
        self.assertEqual(picking.shipment_state, "in_transit")
        self.assertEqual(
            picking.tracking_event_ids.mapped("status_code"),
            ["dropping_off", "picked", "confirmed"],
        )
        # polling again records nothing twice
        self.biteship.biteship_tracking_update(picking)
        self.assertEqual(len(picking.tracking_event_ids), 3)
        self.server.set_status(order_id, "delivered", "Received by Budi")
        picking._tracking_poll()  # the generic cron's per-carrier step
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(picking.tracking_poll_failures, 0)

    def test_tracking_update_failures(self):
        first, second = self._ship(), self._ship()
        self.server.inject("timeout", delay=3)
        failures = self.biteship.biteship_tracking_update(first | second)
        self.assertEqual(len(failures), 1, "one delivery failed, the other was read")
        self.server.inject("401", count=2)
        picking = first | second
        picking._tracking_poll()
        self.assertEqual(picking.mapped("tracking_poll_failures"), [1, 1])

    def test_waybill_later(self):
        self.server.waybill_on_create = False
        picking = self._ship()
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertFalse(picking.tracking_label_ids)
        waybill = self.server.set_waybill(picking.carrier_shipment_id)
        self.biteship.biteship_tracking_update(picking)
        self.assertEqual(picking.carrier_tracking_ref, waybill)
        self.assertTrue(picking.tracking_label_ids)

    def test_cancel(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        picking.cancel_shipment()
        self.assertEqual(self.server.orders[order_id]["status"], "cancelled")
        self.assertEqual(picking.shipment_state, "cancelled")
        self.assertFalse(picking.carrier_tracking_ref)
        # sent again after the cancellation: a new order, not the dead one
        self.biteship.send_shipping(picking)
        self.assertEqual(self.server.orders_created, 2)
        self.assertNotEqual(picking.carrier_shipment_id, order_id)
        self.server.set_status(picking.carrier_shipment_id, "picked")
        with self.assertRaisesRegex(UserError, "can not be cancelled"):
            picking.cancel_shipment()
