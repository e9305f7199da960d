"""Biteship's documented rules on orders (reference_id, cancel, rupiah amounts,
error codes), each enforced by the stand-in as the docs say."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BiteshipCommon


@tagged("post_install", "-at_install")
class TestBiteshipApiRules(BiteshipCommon):
    def _sale_picking(self, price_unit=20.0, pricelist=None):
        """A confirmed sale order's delivery, shipped with Biteship, ready to
        validate."""
        order = self._sale_order()
        if pricelist:
            order.pricelist_id = pricelist
        order.order_line.price_unit = price_unit
        order.action_confirm()
        picking = order.picking_ids
        picking.carrier_id = self.biteship
        picking.move_ids.write({"quantity": 3, "picked": True})
        return order, picking

    # -- cancel (orders/delete, orders/error) -------------------------------

    def test_cancel_reason_code_over_xmlrpc(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        self.env.flush_all()
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.env.ref("base.user_admin").id,
            "admin",
            "stock.picking",
            "cancel_shipment",
            [[picking.id]],
        )
        self.assertIs(result, True, "a value XML-RPC can send")
        order = self.server.orders[order_id]
        self.assertEqual(order["status"], "cancelled")
        self.assertEqual(order["cancellation_reason_code"], "others")
        self.assertIn(picking.name, order["cancellation_reason"])

    def test_not_cancellable_changes_nothing(self):
        picking = self._ship()
        order_id = picking.carrier_shipment_id
        number = picking.carrier_tracking_ref
        self.server.set_status(order_id, "dropping_off")
        with self.assertRaisesRegex(UserError, "can no longer be cancelled") as caught:
            picking.cancel_shipment()
        self.assertIn("dropping_off", str(caught.exception))
        self.assertEqual(picking.carrier_shipment_id, order_id)
        self.assertEqual(picking.carrier_tracking_ref, number)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(self.server.orders[order_id]["status"], "dropping_off")

    # -- reference_id (orders/create, 40002060) ------------------------------

    def test_lost_answer_adopted(self):
        """The order is created but its answer lost: the retry gets 40002060
        and adopts that order, never a second one."""
        self.server.inject("lost")
        picking = self._ship()
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertEqual(self.server.orders_created, 1)
        [order_id] = self.server.orders
        self.assertTrue(picking.send_to_shipper())
        self.assertEqual(self.server.orders_created, 1)
        self.assertEqual(picking.carrier_shipment_id, order_id)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(
            picking.carrier_tracking_ref,
            self.server.orders[order_id]["courier"]["waybill_id"],
        )

    def test_new_reference_after_dead_order(self):
        picking = self._ship()
        first = picking.carrier_shipment_id
        self.assertEqual(self.server.orders[first]["reference_id"], picking.name)
        self.server.set_status(first, "rejected")
        picking.shipment_state = False
        self.biteship.send_shipping(picking)
        self.assertNotEqual(picking.carrier_shipment_id, first)
        self.assertEqual(
            self.server.orders[picking.carrier_shipment_id]["reference_id"],
            f"{picking.name}-2",
        )

    def test_reference_prefix_and_foreign_reference(self):
        picking = self._create_picking(carrier=self.biteship)
        # another database on the same account already used this name
        foreign = self.server.create_order(
            {
                "origin_contact_name": "Other shop",
                "origin_contact_phone": "021",
                "origin_address": "Jl. Lain 1",
                "origin_postal_code": 10110,
                "destination_contact_name": "Someone else",
                "destination_contact_phone": "0812",
                "destination_address": "Jl. Jauh 9",
                "destination_postal_code": 80111,
                "courier_company": "jne",
                "courier_type": "reg",
                "delivery_type": "now",
                "reference_id": picking.name,
                "items": [{"name": "x", "value": 1, "weight": 100, "quantity": 1}],
            }
        )[1]["id"]
        self._validate(picking)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertNotEqual(picking.carrier_shipment_id, foreign)
        self.assertIn("reference prefix", picking.message_ids[:1].body)

        self.biteship.biteship_reference_prefix = "SHOP2-"
        picking.send_to_shipper()
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(
            self.server.orders[picking.carrier_shipment_id]["reference_id"],
            f"SHOP2-{picking.name}",
        )

    # -- amounts in rupiah (orders/create) -----------------------------------

    def test_item_value_and_insurance_in_rupiah(self):
        self.biteship.biteship_insurance = True
        order, picking = self._sale_picking(price_unit=20.0)
        self._validate(picking)
        [biteship_order] = self.server.orders.values()
        [item] = biteship_order["items"]
        unit = order.order_line.price_reduce_taxinc  # USD, 16,000 IDR each
        self.assertEqual(item["value"], round(unit * 16000))
        self.assertEqual(item["quantity"], 3)
        self.assertEqual(biteship_order["courier_insurance"], 3 * item["value"])

    def test_order_currency_without_rate_refused(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        _order, picking = self._sale_picking(pricelist=pricelist)
        self._validate(picking)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertEqual(self.server.orders_created, 0)
        self.assertIn("EUR exchange rate", picking.message_ids[:1].body)

    # -- errors (errors, orders/error) ---------------------------------------

    def test_rate_limited_waits_for_retry_after(self):
        self.server.inject("429", delay=3600)
        before = fields.Datetime.now()
        picking = self._ship()
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertGreaterEqual(
            picking.tracking_next_poll_at, before + timedelta(seconds=3599)
        )
        self.assertIn("429", picking.message_ids[:1].body)

    def test_rate_limited_poll_waits_for_retry_after(self):
        picking = self._ship()
        self.assertEqual(picking.shipment_state, "label_created")
        self.server.set_status(picking.carrier_shipment_id, "picked")
        picking.tracking_next_poll_at = fields.Datetime.now() - timedelta(minutes=1)
        self.server.inject("429", delay=7200)
        before = fields.Datetime.now()
        self.env["stock.picking"]._cron_tracking_update()
        self.assertEqual(picking.shipment_state, "label_created")
        # Biteship's limit, not the shipment's failure
        self.assertEqual(picking.tracking_poll_failures, 0)
        # the generic back-off would try again within minutes
        self.assertGreaterEqual(
            picking.tracking_next_poll_at, before + timedelta(seconds=7199)
        )

    def test_refusal_is_permanent_no_hot_loop(self):
        self.biteship.biteship_courier_type = "nope"
        before = fields.Datetime.now()
        picking = self._ship()
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertIn("is not available", picking.message_ids[:1].body)
        self.assertTrue(picking.activity_ids)
        self.assertGreaterEqual(
            picking.tracking_next_poll_at, before + timedelta(hours=23)
        )
        # the scheduler does not call Biteship again meanwhile
        requests = self.server.requests
        self.env["stock.picking"]._cron_tracking_update()
        self.assertEqual(self.server.requests, requests)

    def test_server_error_backs_off_briefly(self):
        self.server.inject("500")
        picking = self._ship()
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertLess(
            picking.tracking_next_poll_at,
            fields.Datetime.now() + timedelta(hours=1),
        )
