"""A return's refund and a plain refund: matched by the one rule of
sale_order_fulfilment, refunded within core's notion of what is left, and
the order's one state afterwards (back office, portal, XML-RPC)."""

import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestRefundState(ReturnCase, HttpCase):
    def source_tx(self, order):
        return order.transaction_ids.filtered(lambda tx: tx.operation != "refund")

    def plain_refund(self, tx, amount, post_process=True):
        """Billing refunds through core's refund wizard of the payment."""
        wizard = (
            self.env["payment.refund.wizard"]
            .with_user(self.billing)
            .with_context(active_id=tx.payment_id.id)
            .create({"amount_to_refund": amount})
        )
        wizard.action_refund()
        refund = tx.child_transaction_ids.filtered(
            lambda child: child.operation == "refund" and child.amount == -amount
        )
        self.assertEqual(refund.state, "done")
        if post_process:
            refund._post_process()
        return refund

    def returned_and_refunded(self, order, qty):
        """The customer returns `qty`, billing refunds at approval, the
        warehouse receives; the provider's refund post-processed (its cron)."""
        ret = self.return_of(self.ask(order, qty=qty))
        ret.with_user(self.own).action_approve()
        self.assertIs(ret.with_user(self.billing).action_refund(), True)
        self.assertEqual(ret.state, "refunded")
        ret.refund_transaction_ids._post_process()
        self.assertEqual(ret.refund_state, "done")
        self.receive(ret)
        return ret

    def status(self, order, login):
        """get_fulfilment_status over real XML-RPC as `login`."""
        user = self.env["res.users"].search([("login", "=", login)])
        [values] = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            login,
            "sale.order",
            "get_fulfilment_status",
            [order.ids],
        )
        return values

    def paid_step(self, order, user):
        [step] = [
            s
            for s in order.with_user(user)._get_fulfilment_timeline()
            if s["step"] == "paid"
        ]
        return step["done"]

    # ------------------------------------------------------------------
    # 1. One matching rule
    # ------------------------------------------------------------------

    def test_return_and_plain_refund_matched_by_one_rule(self):
        order = self.delivered_order(qty=2.0)
        tx = self.source_tx(order)
        ret = self.return_of(self.ask(order, qty=1.0))
        ret.with_user(self.own).action_approve()
        self.receive(ret)
        [agreed] = ret.refund_transaction_ids
        # what each refund pays back: the return's credit note, the payment
        self.assertTrue(agreed._is_fulfilment_agreed_refund())
        self.assertEqual(
            agreed._get_fulfilment_refund_counterpart(), ret.refund_move_id
        )
        agreed._post_process()
        self.assertEqual(ret.refund_move_id.payment_state, "paid")
        self.assertTrue(
            all(
                agreed.payment_id.move_id.line_ids._fulfilment_open_receivable().mapped(
                    "reconciled"
                )
            )
        )
        self.assertEqual(
            agreed.payment_id.move_id.line_ids.matched_credit_ids.credit_move_id.move_id,
            ret.refund_move_id,
        )
        self.assertFalse(order.fulfilment_exception)

        # A refund billing makes through core's wizard, not through a return:
        # matched by the same code with the refunded payment, and the
        # automation stops as before.
        plain = self.plain_refund(tx, 20.0)
        self.assertFalse(plain._is_fulfilment_agreed_refund())
        self.assertEqual(
            plain._get_fulfilment_refund_counterpart(), tx.payment_id.move_id
        )
        self.assertTrue(order.fulfilment_exception)
        self.assertIn(plain.reference, order.fulfilment_exception_reason)
        self.assertFalse(hasattr(ret, "_match_provider_refund"))
        self.assertFalse(hasattr(ret, "_reconcile_receivable"))

    # ------------------------------------------------------------------
    # 2. What is left to refund: core's notion
    # ------------------------------------------------------------------

    def test_refundable_is_cores_amount_less_unbooked_refunds(self):
        order = self.delivered_order(qty=2.0)
        tx = self.source_tx(order)
        payment = tx.payment_id
        self.assertEqual(tx._get_fulfilment_refundable_amount(), 220.0)
        self.assertEqual(
            tx._get_fulfilment_refundable_amount(), payment.amount_available_for_refund
        )
        # asked, not booked yet (its payment comes with the cron): core still
        # offers the whole payment, we do not
        plain = self.plain_refund(tx, 150.0, post_process=False)
        payment.invalidate_recordset(["amount_available_for_refund"])
        self.assertEqual(payment.amount_available_for_refund, 220.0)
        self.assertEqual(tx._get_fulfilment_refundable_amount(), 70.0)
        # a return of 100 is then more than the provider may refund: a person
        self.website.return_refund_user_id = self.billing
        ret = self.return_of(self.ask(order, qty=1.0))
        ret.with_user(self.own).action_approve()
        self.receive(ret)
        self.assertEqual(ret.state, "refunded")
        self.assertFalse(ret.refund_transaction_ids)
        self.assertEqual(ret.refund_state, "manual")
        [activity] = ret.refund_move_id.activity_ids
        self.assertEqual(activity.user_id, self.billing)
        # booked: the same as core's
        plain._post_process()
        payment.invalidate_recordset(["amount_available_for_refund"])
        self.assertEqual(payment.amount_available_for_refund, 70.0)
        self.assertEqual(tx._get_fulfilment_refundable_amount(), 70.0)

    def test_payment_method_without_refunds_goes_to_a_person(self):
        """Core refunds only when the provider AND the payment method do."""
        order = self.delivered_order(qty=2.0)
        tx = self.source_tx(order)
        tx.payment_method_id.support_refund = "none"
        self.assertEqual(tx._get_fulfilment_refundable_amount(), 0.0)
        ret = self.return_of(self.ask(order, qty=1.0))
        ret.with_user(self.own).action_approve()
        self.receive(ret)
        self.assertEqual(ret.state, "refunded")
        self.assertFalse(ret.refund_transaction_ids)
        self.assertEqual(ret.refund_state, "manual")
        self.assertEqual(len(ret.refund_move_id.activity_ids), 1)

    # ------------------------------------------------------------------
    # 3. The order's state after a refund
    # ------------------------------------------------------------------

    def test_goods_back_and_refunded_show_returned(self):
        order = self.delivered_order(qty=2.0)
        self.assertEqual(order.fulfilment_state, "shipped")
        ret = self.return_of(self.ask(order, qty=2.0))
        ret.with_user(self.own).action_approve()
        self.assertIs(ret.with_user(self.billing).action_refund(), True)
        ret.refund_transaction_ids._post_process()
        # refunded, the goods still on their way back: shipped, still paid
        self.assertFalse(order.fulfilment_paid)  # the automation's word
        self.assertEqual(order.fulfilment_state, "shipped")
        self.assertTrue(self.paid_step(order, self.portal))
        self.receive(ret)
        self.assertEqual(order.fulfilment_state, "returned")
        self.assertFalse(order.fulfilment_exception)
        self.assertFalse(order.fulfilment_may_automate)
        timeline = order.with_user(self.portal)._get_fulfilment_timeline()
        self.assertTrue(self.paid_step(order, self.portal))
        self.assertEqual(
            timeline[-1],
            {"step": "returned", "label": "Returned & Refunded", "done": True},
        )
        statuses = [self.status(order, "budi_portal")] + [
            order.with_user(user).get_fulfilment_status()[0]
            for user in (self.billing, self.own, self.warehouse)
        ]
        for status in statuses:
            self.assertEqual(status["state"], "returned")
            self.assertEqual(status["state_label"], "Returned & Refunded")
            self.assertIs(status["paid"], True)
            self.assertEqual(status["amount_paid"], 20.0)
            self.assertEqual(status["amount_missing"], 0.0)
            xmlrpc.client.dumps((status,), allow_none=False)
        # the customer's page: Paid done, the last step, no "still to pay"
        self.authenticate("budi_portal", "budi_portal")
        page = self.url_open(order.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertRegex(
            page.text, r'data-step="paid"\s+class="[^"]*o_fulfilment_step_done'
        )
        self.assertRegex(
            page.text, r'data-step="returned"\s+class="[^"]*o_fulfilment_step_done'
        )
        self.assertNotIn("Still to pay", page.text)

    def test_partial_return_keeps_the_order_where_it_is(self):
        order = self.delivered_order(qty=2.0)
        self.returned_and_refunded(order, 1.0)
        self.assertEqual(order.fulfilment_state, "shipped")
        self.assertTrue(self.paid_step(order, self.portal))
        status = self.status(order, "budi_portal")
        self.assertIs(status["paid"], True)
        self.assertEqual(status["amount_missing"], 0.0)

    def test_plain_refund_still_stops_and_unpays(self):
        order = self.delivered_order(qty=2.0)
        self.plain_refund(self.source_tx(order), 220.0)
        self.assertEqual(order.fulfilment_state, "exception")
        self.assertFalse(self.paid_step(order, self.portal))
        status = self.status(order, "budi_portal")
        self.assertEqual(status["state"], "exception")
        self.assertIs(status["paid"], False)
        self.assertEqual(status["amount_missing"], 220.0)

    def test_returned_to_sender_then_refunded_shows_returned(self):
        order = self.delivered_order(qty=2.0)
        picking = self.delivery(order)
        picking.carrier_tracking_ref = f"KT{order.id:06d}"
        picking.sudo()._tracking_apply_events(
            [
                {
                    "event_time": fields.Datetime.now() - timedelta(minutes=5),
                    "shipment_state": "returned",
                    "status_code": "returned",
                    "description": "",
                }
            ]
        )
        ret = picking.rts_return_id
        self.receive(ret)
        self.assertEqual(order.fulfilment_state, "returning")
        ret.with_user(self.billing).action_rts_decide("refund")
        ret.refund_transaction_ids._post_process()
        self.assertEqual(ret.refund_state, "done")
        self.assertEqual(order.fulfilment_state, "returned")
        self.assertFalse(order.fulfilment_exception)
        self.assertTrue(self.paid_step(order, self.portal))
        status = self.status(order, "budi_portal")
        self.assertEqual(status["state"], "returned")
        self.assertIs(status["paid"], True)
