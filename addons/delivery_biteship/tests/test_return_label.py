"""Return labels as Biteship reverse orders: an ordinary orders/create whose
pickup location is the customer and destination the warehouse
(https://biteship.com/id/docs/api/orders/create), booked once through the
booking guard, never with cash on delivery, picked up at the customer or
dropped off where the courier's service allows it; the return parcel then
tracked like any (poll, webhook). As the warehouse user, who makes them."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import BiteshipCommon

COD_KEYS = ("destination_cash_on_delivery", "destination_cash_on_delivery_type")


@tagged("post_install", "-at_install")
class TestBiteshipReturnLabel(BiteshipCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.partner_id.name = "Gudang Pusat"
        cls.stock_user = new_test_user(
            cls.env, "bs_return_stock", groups="stock.group_stock_user"
        )

    def _return(self, qty=1.0, carrier=None):
        delivery = self._ship()
        returned = self._create_return(delivery, qty=qty, carrier=carrier)
        return delivery, returned.with_user(self.stock_user)

    def test_reverse_order_from_the_customer_to_the_warehouse(self):
        self.assertTrue(self.biteship.can_generate_return)
        delivery, returned = self._return(qty=1.0)
        created = self.server.orders_created
        self.assertIs(returned.print_return_label(), True)
        self.assertEqual(self.server.orders_created, created + 1)
        body = self.server.order_requests[-1]
        # the customer is the pickup location, the warehouse the destination
        self.assertEqual(body["origin_contact_name"], "Budi Santoso")
        self.assertEqual(body["origin_contact_phone"], "+62 812 0000 1111")
        self.assertEqual(body["origin_contact_email"], "budi@example.com")
        self.assertIn("Jl. Merdeka 17", body["origin_address"])
        self.assertEqual(body["origin_postal_code"], 40111)
        self.assertEqual(body["destination_contact_name"], "Gudang Pusat")
        self.assertEqual(body["destination_postal_code"], 10110)
        self.assertEqual(body["origin_collection_method"], "pickup")
        self.assertEqual(body["courier_company"], "jne")
        self.assertEqual(body["courier_type"], "reg")
        self.assertEqual(body["reference_id"], returned.name)
        # the returned goods only, never cash on delivery
        self.assertEqual(
            [(i["name"], i["quantity"]) for i in body["items"]], [("Batik Shirt", 1)]
        )
        for key in COD_KEYS:
            self.assertNotIn(key, body)
        order = self.server.orders[returned.carrier_shipment_id]
        self.assertEqual(order["destination"]["cash_on_delivery"]["amount"], 0)
        waybill = order["courier"]["waybill_id"]
        self.assertEqual(returned.carrier_tracking_ref, waybill)
        self.assertNotEqual(waybill, delivery.carrier_tracking_ref)
        self.assertEqual(returned.shipment_state, "label_created")
        label = returned.return_label_ids
        self.assertEqual(label.name, f"LabelReturn-biteship-{waybill}.pdf")
        [page] = self._pdf_pages(label.sudo())
        self.assertIn("RETURN", page)
        sender, _recipient = page.split(" TO ", 1)
        self.assertIn("Budi Santoso", sender)
        # a second click, the return module again: Biteship's order adopted
        returned.print_return_label()
        self.biteship.get_return_label(returned.sudo())
        self.assertEqual(self.server.orders_created, created + 1)
        self.assertEqual(returned.return_label_ids, label)

    def test_lost_answer_books_once(self):
        _delivery, returned = self._return()
        created = self.server.orders_created
        # Biteship creates the order, its answer never arrives
        self.server.inject("lost", route="create_order")
        with self.assertRaises(UserError):
            returned.print_return_label()
        self.assertEqual(self.server.orders_created, created + 1)
        self.assertFalse(returned.carrier_shipment_id)
        returned.print_return_label()
        self.assertEqual(self.server.orders_created, created + 1)
        [order_id] = [
            key
            for key, order in self.server.orders.items()
            if order["reference_id"] == returned.name
        ]
        self.assertEqual(returned.carrier_shipment_id, order_id)
        self.assertTrue(returned.return_label_ids)

    def test_drop_off_where_the_service_allows_it(self):
        self.biteship.biteship_return_collection_method = "drop_off"
        _delivery, returned = self._return()
        returned.print_return_label()
        body = self.server.order_requests[-1]
        self.assertEqual(body["origin_collection_method"], "drop_off")
        # a service that only picks up (instant couriers): picked up
        gojek = self._create_biteship_carrier(
            "Biteship GoSend",
            biteship_courier_company="gojek",
            biteship_courier_type="instant",
            biteship_return_collection_method="drop_off",
        )
        self.customer.write({"partner_latitude": -6.9, "partner_longitude": 107.6})
        self.warehouse.partner_id.write(
            {"partner_latitude": -6.2, "partner_longitude": 106.8}
        )
        _delivery, by_gojek = self._return(carrier=gojek)
        by_gojek.print_return_label()
        body = self.server.order_requests[-1]
        self.assertEqual(body["origin_collection_method"], "pickup")
        # the customer's coordinates are the pickup point's
        self.assertEqual(
            body["origin_coordinate"], {"latitude": -6.9, "longitude": 107.6}
        )

    def test_a_drop_off_only_service_is_dropped_off(self):
        deno = self._create_biteship_carrier(
            "Biteship Wahana Deno",
            biteship_courier_company="wahana",
            biteship_courier_type="deno",
        )
        self.assertEqual(deno.biteship_return_collection_method, "pickup")
        _delivery, returned = self._return(carrier=deno)
        returned.print_return_label()
        body = self.server.order_requests[-1]
        self.assertEqual(body["origin_collection_method"], "drop_off")

    def test_refusals_leave_nothing_half_written(self):
        _delivery, returned = self._return()
        self.customer.zip = "Bandung"
        created = self.server.orders_created
        with self.assertRaisesRegex(UserError, "numeric postal code"):
            returned.print_return_label()
        self.customer.zip = "40111"
        # a service Biteship does not offer on the route
        self.biteship.biteship_courier_type = "nope"
        with self.assertRaisesRegex(UserError, "does not collect returns"):
            returned.print_return_label()
        self.assertEqual(self.server.orders_created, created)
        self.assertFalse(returned.carrier_shipment_id)
        self.assertFalse(returned.carrier_tracking_ref)
        self.assertFalse(returned.return_label_ids)

    def test_return_parcel_polled_until_delivered(self):
        _delivery, returned = self._return()
        returned.print_return_label()
        order_id = returned.carrier_shipment_id
        self.server.set_status(order_id, "picked")
        self.server.set_status(order_id, "delivered")
        returned.sudo().tracking_next_poll_at = fields.Datetime.now() - timedelta(
            minutes=1
        )
        self.env["stock.picking"]._cron_tracking_update()
        self.env.invalidate_all()
        self.assertEqual(returned.shipment_state, "delivered")
        self.assertIn("delivered", returned.tracking_event_ids.mapped("shipment_state"))
        # not received yet: the warehouse validates it (core)
        self.assertEqual(returned.state, "assigned")

    def test_cancel_the_return_pickup(self):
        """Core's cancel_shipment on a return receipt cancels its Biteship
        reverse order with a reason (orders/delete: reason code "others" and
        our words), voids its label, and refuses to book it again; once the
        courier has the parcel (picked), Biteship's 40002053 reaches the user
        in words, with nothing changed."""
        _delivery, returned = self._return()
        returned.print_return_label()
        order_id = returned.carrier_shipment_id
        self.assertTrue(returned.return_label_ids)
        seller = new_test_user(
            self.env, "bs_return_seller", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            returned.with_user(seller).cancel_shipment()
        self.assertEqual(self.server.orders[order_id]["status"], "confirmed")

        self.assertIs(returned.cancel_shipment(), True)
        order = self.server.orders[order_id]
        self.assertEqual(order["status"], "cancelled")
        self.assertEqual(order["cancellation_reason_code"], "others")
        self.assertEqual(
            order["cancellation_reason"], f"Cancelled from Odoo return {returned.name}"
        )
        self.assertEqual(returned.shipment_state, "cancelled")
        self.assertFalse(returned.carrier_tracking_ref)
        self.assertFalse(returned.return_label_ids)
        self.assertFalse(returned.tracking_label_ids)
        self.assertIn(
            f"Biteship order {order_id} cancelled",
            " ".join(returned.message_ids.mapped("body")),
        )
        with self.assertRaisesRegex(UserError, "return pickup was cancelled"):
            returned.print_return_label()
        self.assertEqual(self.server.orders_created, len(self.server.orders))

        # the courier already picked the parcel up: Biteship refuses
        _delivery, picked = self._return()
        picked.print_return_label()
        self.server.set_status(picked.carrier_shipment_id, "picked")
        with self.assertRaisesRegex(UserError, "courier already has the parcel") as err:
            picked.cancel_shipment()
        self.assertIn("status: picked", str(err.exception))
        self.assertEqual(picked.shipment_state, "label_created")
        self.assertTrue(picked.carrier_tracking_ref)
        self.assertTrue(picked.return_label_ids)
        # received: nothing left to cancel
        for move in picked.move_ids:
            move.write({"quantity": move.product_uom_qty, "picked": True})
        picked.button_validate()
        with self.assertRaisesRegex(UserError, "already received"):
            picked.cancel_shipment()

    def test_no_return_label_with_each_delivery(self):
        """Core's return_label_on_delivery is not offered for Biteship: a
        return label is a reverse order booked and billed, never printed in
        advance; set anyway (XML-RPC, import), it is refused in words."""
        with self.assertRaisesRegex(ValidationError, "return order the courier"):
            self.biteship.return_label_on_delivery = True
        delivery = self._ship()
        self.assertFalse(delivery.return_label_ids)
        self.assertFalse(delivery.tracking_return_label_ref)
