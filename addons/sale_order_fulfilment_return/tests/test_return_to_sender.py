"""Return to sender: the carrier brings a parcel back (a provider's
return_in_transit / returned, the generic "returned"): one carrier return and
its incoming transfer, the order "returning", a person's decision at receipt."""

import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.addons.sale_order_fulfilment.tests.common import create_order, pay
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestReturnToSender(ReturnCase):
    def shipped(self, paid=True):
        order = self.delivered_order(qty=2.0, paid=paid)
        picking = self.delivery(order)
        picking.carrier_tracking_ref = f"KT{order.id:06d}"
        return order, picking

    def event(self, picking, state, code=None, minutes=0, description=""):
        """A carrier event as the webhook and the poll apply it (sudo)."""
        when = fields.Datetime.now() - timedelta(minutes=60 - minutes)
        return picking.sudo()._tracking_apply_events(
            [
                {
                    "event_time": when,
                    "shipment_state": state,
                    "status_code": code or state,
                    "description": description,
                }
            ]
        )

    def test_customer_return_first_then_the_carrier_brings_the_rest(self):
        """A customer return asked while the parcel travels, then the carrier
        brings the parcel back: the carrier's return holds only what the
        customer's does not; when it holds nothing, the event is recorded
        all the same and nothing fails."""
        order, picking = self.shipped()
        customer = self.return_of(self.ask(order, qty=1.0, user=self.portal))
        customer.with_user(self.own).action_approve()
        self.event(picking, "exception", "return_in_transit", 1)
        ret = picking.rts_return_id
        self.assertEqual(ret.line_ids.quantity, 1.0)
        self.assertEqual(ret.return_picking_ids.move_ids.product_uom_qty, 1.0)

        order, picking = self.shipped()
        customer = self.return_of(self.ask(order, qty=2.0, user=self.portal))
        customer.with_user(self.own).action_approve()
        events = self.event(picking, "returned", minutes=1)
        self.assertEqual(len(events), 1)
        self.assertEqual(picking.shipment_state, "returned")
        self.assertFalse(picking.rts_return_id)
        self.assertEqual(order.return_ids, customer)

    def test_return_created_once_and_order_returning(self):
        order, picking = self.shipped()
        self.event(picking, "in_transit")
        self.assertFalse(picking.rts_return_id)
        self.assertEqual(order.fulfilment_state, "shipped")
        # Biteship's return_in_transit is mapped to "exception"
        self.event(picking, "exception", "return_in_transit", 1, "Alamat tidak ada")
        ret = picking.rts_return_id
        self.assertEqual(len(ret), 1)
        self.assertEqual(ret.origin, "carrier")
        self.assertEqual(ret.state, "approved")
        self.assertEqual(ret.rts_picking_id, picking)
        self.assertEqual(ret.line_ids.quantity, 2.0)
        self.assertEqual(ret.line_ids.reason_id.code, "carrier_return")
        back = ret.return_picking_ids
        self.assertEqual(len(back), 1)
        self.assertEqual(back.picking_type_code, "incoming")
        self.assertEqual(back.carrier_id, self.carrier)
        self.assertEqual(picking.return_ids, back)
        self.assertFalse(ret._get_portal_labels())  # the courier brings it
        # then returned, the webhook resent, the poll: still one
        self.event(picking, "returned", minutes=2)
        self.event(picking, "returned", minutes=2)
        self.event(picking, "returned", "returned", minutes=3)
        self.assertEqual(len(order.return_ids), 1)
        self.assertEqual(len(picking.return_ids), 1)
        # the order's one state, everywhere; the automation holds off
        self.assertEqual(order.fulfilment_state, "returning")
        self.assertFalse(order.fulfilment_may_automate)
        self.assertNotIn(
            order, order.search(order._get_fulfilment_todo_domain("batch"))
        )
        # Fulfil does not pretend to act: it names what the order waits for
        with self.assertRaisesRegex(UserError, "coming back to the shop"):
            order.with_user(self.own).action_fulfil()
        for user in (self.portal, self.own, self.warehouse, self.billing):
            [status] = order.with_user(user).get_fulfilment_status()
            self.assertEqual(status["state"], "returning")
            self.assertEqual(status["state_label"], "Returning to the Shop")
        timeline = order.with_user(self.portal)._get_fulfilment_timeline()
        self.assertEqual(timeline[-1]["step"], "returning")
        # the steps the order went through stay done while its parcel comes back
        done = {step["step"]: step["done"] for step in timeline}
        self.assertTrue(done["paid"] and done["shipped"], timeline)
        [status] = ret.with_user(self.portal).get_return_status()
        self.assertEqual(status["origin"], "carrier")
        self.assertEqual(status["rts_delivery"], picking.name)
        self.assertEqual(status["rts_decision"], "")
        xmlrpc.client.dumps((status,), allow_none=False)
        # the customer cannot ask again for what the courier brings back
        with self.assertRaises(UserError):
            self.ask(order, qty=1.0)

    def test_receipt_then_refund_once(self):
        order, picking = self.shipped()
        self.event(picking, "returned")
        ret = picking.rts_return_id
        with self.assertRaisesRegex(UserError, "decide once the warehouse"):
            ret.with_user(self.billing).action_rts_decide("refund")
        self.receive(ret, user=self.warehouse)
        # received: no refund by the website's policy, a person decides
        self.assertEqual(ret.state, "received")
        self.assertFalse(ret.refund_move_id)
        self.assertEqual(order.fulfilment_state, "returning")
        with self.assertRaises(AccessError):
            ret.with_user(self.own).action_rts_decide("refund")
        with self.assertRaises(AccessError):
            ret.with_user(self.warehouse).action_rts_decide("refund")
        self.assertIs(ret.with_user(self.billing).action_rts_decide("refund"), True)
        self.assertEqual(ret.rts_decision, "refund")
        self.assertEqual(ret.state, "refunded")
        refund = ret.refund_move_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        # again, or through the Refund button: nothing new
        ret.with_user(self.billing).action_rts_decide("refund")
        ret.with_user(self.billing).action_refund()
        self.assertEqual(
            len(order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")), 1
        )
        with self.assertRaisesRegex(UserError, "already decided"):
            ret.with_user(self.own).action_rts_decide("cancel")
        self.assertNotEqual(order.fulfilment_state, "returning")

    def test_cancel_goes_to_a_person(self):
        order, picking = self.shipped()
        self.event(picking, "returned")
        ret = picking.rts_return_id
        self.receive(ret)
        ret.with_user(self.own).action_rts_decide("cancel")
        self.assertEqual(ret.rts_decision, "cancel")
        self.assertFalse(ret.refund_move_id)
        self.assertEqual(order.fulfilment_state, "exception")
        self.assertIn(picking.name, order.fulfilment_exception_reason)

    def corrected_address(self):
        return self.env["res.partner"].create(
            {
                "name": "Budi (kantor)",
                "parent_id": self.partner.id,
                "type": "delivery",
                "street": "Jl. Sudirman 1",
                "city": "Jakarta",
            }
        )

    def outgoing(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def test_reship_to_corrected_address(self):
        """The salesperson re-ships to a corrected address: a new delivery
        carrying that address, the same carrier, the order's address and
        invoice as the customer chose; a second click makes nothing more."""
        order, picking = self.shipped()
        address = order.partner_shipping_id
        invoice = order.invoice_ids
        self.event(picking, "returned")
        ret = picking.rts_return_id
        self.receive(ret, user=self.warehouse)
        stranger = self.other_partner
        with self.assertRaisesRegex(UserError, "is not an address of"):
            ret.with_user(self.own).action_rts_decide("reship", stranger.id)
        self.assertFalse(ret.rts_decision)
        self.assertFalse(ret.reship_picking_id)
        corrected = self.corrected_address()
        wizard = (
            self.env["sale.return.rts.decide"]
            .with_user(self.own)
            .with_context(default_return_id=ret.id)
            .create({"decision": "reship", "partner_id": corrected.id})
        )
        self.assertEqual(wizard.carrier_id, self.carrier)
        wizard.action_decide()
        new = ret.reship_picking_id
        self.assertEqual(ret.rts_decision, "reship")
        self.assertEqual(new.picking_type_code, "outgoing")
        self.assertEqual(new.partner_id, corrected)
        self.assertEqual(new.carrier_id, self.carrier)
        self.assertEqual(new.sale_id, order)
        self.assertEqual(new.state, "assigned")
        self.assertEqual(new.move_ids.sale_line_id, self.goods_line(order))
        self.assertEqual(sum(new.move_ids.mapped("product_uom_qty")), 2.0)
        # the order's address and invoice stay as the customer chose
        self.assertEqual(order.partner_shipping_id, address)
        self.assertEqual(invoice.partner_shipping_id, address)
        self.assertEqual(order.invoice_ids, invoice)
        # a second click, by the wizard or XML-RPC: nothing more
        self.assertIs(ret.with_user(self.own).action_rts_decide("reship"), True)
        self.env["sale.return.rts.decide"].with_user(self.own).with_context(
            default_return_id=ret.id
        ).create({"decision": "reship", "partner_id": corrected.id}).action_decide()
        self.assertEqual(self.outgoing(order), picking | new)
        self.assertEqual(ret.reship_picking_id, new)
        # the order follows its new delivery, the automation may act again
        self.assertNotEqual(order.fulfilment_state, "returning")
        self.assertTrue(order.fulfilment_may_automate)
        [status] = ret.with_user(self.portal).get_return_status()
        self.assertEqual(status["reship_delivery"], new.name)
        new = new.with_user(self.warehouse)
        new.move_ids.write({"quantity": 2.0, "picked": True})
        new.with_context(skip_sms=True).button_validate()
        self.assertEqual(order.fulfilment_state, "shipped")
        self.assertEqual(self.goods_line(order).qty_delivered, 2.0)

    def test_reship_with_another_carrier(self):
        order, picking = self.shipped()
        self.event(picking, "returned")
        ret = picking.rts_return_id
        self.receive(ret)
        other = self.carrier.copy({"name": "Kurir Lain"})
        company = self.env["res.company"].create({"name": "Lain"})
        foreign = self.env["delivery.carrier"].create(
            {
                "name": "Kurir Perusahaan Lain",
                "delivery_type": "fixed",
                "company_id": company.id,
                "product_id": self.env["product.product"]
                .create({"name": "Ongkir Lain", "type": "service"})
                .id,
            }
        )
        with self.assertRaisesRegex(UserError, "another company"):
            ret.with_user(self.own).action_rts_decide("reship", False, foreign.id)
        self.assertFalse(ret.rts_decision)
        ret.with_user(self.own).action_rts_decide("reship", False, other.id)
        new = ret.reship_picking_id
        self.assertEqual(new.carrier_id, other)
        # no corrected address given: the returned delivery's
        self.assertEqual(new.partner_id, picking.partner_id)
        self.assertEqual(self.outgoing(order), picking | new)

    def test_reship_only_what_came_back(self):
        """Three ordered, shipped in two parcels: the carrier brings back the
        first (two), the customer returns the one of the second. The
        re-shipment holds the two that came back, not the whole line."""
        order = create_order(
            self.env, self.partner, self.product, qty=3.0, user_id=self.own.id
        )
        order.set_delivery_line(self.carrier, 20.0)
        order.action_confirm()
        pay(order)
        first = self.delivery(order)
        first.move_ids.write({"quantity": 2.0, "picked": True})
        first._action_done()  # the third one follows in a backorder
        first.carrier_tracking_ref = f"KT{order.id:06d}A"
        second = self.delivery(order) - first
        second.move_ids.write({"quantity": 1.0, "picked": True})
        second.with_context(skip_sms=True).button_validate()
        self.assertEqual(self.goods_line(order).qty_delivered, 3.0)
        customer = self.return_of(self.ask(order, qty=1.0, user=self.portal))
        customer.with_user(self.own).action_approve()
        self.assertEqual(customer.return_picking_ids.return_id, second)
        self.receive(customer)
        self.event(first, "returned")
        ret = first.rts_return_id
        self.assertEqual(ret.line_ids.quantity, 2.0)
        self.receive(ret)
        ret.with_user(self.own).action_rts_decide("reship")
        new = ret.reship_picking_id
        self.assertEqual(new.move_ids.product_uom_qty, 2.0)
        self.assertEqual(self.outgoing(order), first | second | new)
        new.move_ids.write({"quantity": 2.0, "picked": True})
        new.with_context(skip_sms=True).button_validate()
        # delivered: 3 sent, 1 returned by the customer
        self.assertEqual(self.goods_line(order).qty_delivered, 2.0)

    def test_reship_what_the_warehouse_received(self):
        """One of the two got lost on the way back: the warehouse receives
        one, the re-shipment holds one."""
        _order, picking = self.shipped()
        self.event(picking, "returned")
        ret = picking.rts_return_id
        back = ret.return_picking_ids.with_user(self.warehouse)
        back.move_ids.write({"quantity": 1.0, "picked": True})
        action = back.button_validate()  # asks about the missing one
        Form(
            self.env[action["res_model"]]
            .with_user(self.warehouse)
            .with_context(**action["context"])
        ).save().process_cancel_backorder()
        self.assertEqual(ret.state, "received")
        ret.with_user(self.own).action_rts_decide("reship")
        self.assertEqual(ret.reship_picking_id.move_ids.product_uom_qty, 1.0)

    def test_bad_decisions(self):
        _order, picking = self.shipped()
        self.event(picking, "returned")
        ret = picking.rts_return_id
        self.receive(ret)
        with self.assertRaisesRegex(UserError, "Unknown decision"):
            ret.with_user(self.own).action_rts_decide("burn")
        with self.assertRaises(AccessError):
            ret.with_user(self.portal).action_rts_decide("cancel")
        customer_ret = self.return_of(self.ask(self.delivered_order(qty=1.0)))
        with self.assertRaisesRegex(UserError, "not a return to sender"):
            customer_ret.with_user(self.own).action_rts_decide("cancel")
        self.assertFalse(ret.rts_decision)
