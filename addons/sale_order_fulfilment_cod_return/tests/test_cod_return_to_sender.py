from odoo.addons.sale_order_fulfilment_cod.tests.common import CodCommon
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCodReturnToSender(CodCommon):
    """A COD parcel the carrier brings back: the return to sender (webhooks
    as the public user), nothing failed until a person decides at receipt:
    cancel books the failed COD, re-ship collects on the new delivery."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = new_test_user(
            cls.env, "rts_gudang", groups="stock.group_stock_user"
        )
        cls.salesman = new_test_user(
            cls.env, "rts_sales", groups="sales_team.group_sale_salesman"
        )
        cls.billing = new_test_user(
            cls.env, "rts_billing", groups="account.group_account_invoice"
        )

    def returned(self):
        order = self.cod_cart()
        order.user_id = self.salesman
        self.pay_cod(order)
        picking = self.ship(order, user=self.warehouse_user)
        self.report(picking, "in_transit")
        self.report(picking, "exception", status_code="return_in_transit")
        self.report(picking, "returned", description="Penerima tidak di tempat")
        return order, picking

    def receive(self, ret):
        back = ret.return_picking_ids.with_user(self.warehouse_user)
        for move in back.move_ids:
            move.write({"quantity": move.product_uom_qty, "picked": True})
        self.assertIs(back.button_validate(), True)

    def test_returned_cod_parcel_cancelled_at_receipt(self):
        order, picking = self.returned()
        invoice = order.invoice_ids
        ret = picking.rts_return_id
        self.assertEqual(len(order.return_ids), 1)
        self.assertEqual(len(picking.return_ids), 1)
        self.assertEqual(ret.return_picking_ids, picking.return_ids)
        # nothing failed yet: the parcel is on its way back
        self.assertEqual(order.cod_state, "to_collect")
        self.assertFalse(order.fulfilment_exception)
        self.assertEqual(order.fulfilment_state, "returning")
        self.assertFalse(order.fulfilment_may_automate)
        self.receive(ret)
        self.assertEqual(ret.state, "received")
        # nothing was collected: no refund
        with self.assertRaisesRegex(UserError, "nothing was collected"):
            ret.with_user(self.billing).action_rts_decide("refund")
        self.assertFalse(ret.rts_decision)
        ret.with_user(self.salesman).action_rts_decide("cancel")
        self.env.invalidate_all()
        # the COD failure, once, at the decision
        self.assertEqual(order.cod_state, "failed")
        refund = order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.amount_total, invoice.amount_total)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(self.receivable_balance(order.partner_id), 0.0)
        self.assertEqual(order.fulfilment_state, "exception")
        self.assertIn(
            "Cash on delivery not collected", order.fulfilment_exception_reason
        )
        self.assertIn(picking.name, order.fulfilment_exception_reason)
        self.assertEqual(len(picking.return_ids), 1)

    def test_returned_cod_parcel_reshipped_collects(self):
        """Re-shipped: the returned parcel collects nothing, the new delivery
        carries the cash (label, booking), its delivery books the collection
        once; late news of the returned parcel changes nothing."""
        order, picking = self.returned()
        address = order.partner_shipping_id
        self.assertTrue(picking.cod_collect)
        ret = picking.rts_return_id
        self.receive(ret)
        corrected = self.env["res.partner"].create(
            {
                "name": "Alamat baru",
                "parent_id": order.partner_id.id,
                "type": "delivery",
                "street": "Jl. Asia Afrika 8",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 22 4201234",
            }
        )
        ret.with_user(self.salesman).action_rts_decide("reship", corrected.id)
        # a double click
        ret.with_user(self.salesman).action_rts_decide("reship", corrected.id)
        new = ret.reship_picking_id
        outgoing = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        self.assertEqual(outgoing, picking | new)
        self.assertEqual(new.carrier_id, self.cod_carrier)
        self.assertEqual(new.partner_id, corrected)
        self.assertEqual(order.partner_shipping_id, address)
        self.assertEqual(order.cod_state, "to_collect")
        # the one decision: the new delivery collects, the returned one not
        self.assertEqual((picking.cod_collect, new.cod_collect), (False, True))
        self.assertEqual(new._get_cod_amount_to_collect(), order.cod_amount)
        self.assertEqual(picking._get_cod_amount_to_collect(), 0.0)
        self.assertTrue(order.fulfilment_may_automate)
        self.env.invalidate_all()
        new = new.with_user(self.warehouse_user)
        new.move_ids.write({"quantity": 1.0, "picked": True})
        self.assertIs(new.with_context(skip_sms=True).button_validate(), True)
        self.assertTrue(new.carrier_tracking_ref)
        # news of the returned parcel neither collects nor fails
        self.report(picking, "delivered")
        self.assertEqual(order.cod_state, "to_collect")
        self.report(new.sudo(), "delivered")
        self.assertEqual(order.cod_state, "collected")
        self.assertEqual(order.fulfilment_state, "delivered")
        self.assertEqual(len(order.cod_collection_move_id), 1)
        self.assertEqual(
            order.cod_collection_move_id.amount_total, order.invoice_ids.amount_total
        )
