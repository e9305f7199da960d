"""Only a fully paid order is fulfilled; refunds and invoices taken back by a
person stop the automation until a person clicks Fulfil."""

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import FulfilmentCase, pay, set_policy, setup_demo_provider


@tagged("post_install", "-at_install")
class TestMoney(FulfilmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="rina_billing",
            groups="account.group_account_invoice",
        )

    def todo(self):
        Order = self.env["sale.order"]
        return Order.search(Order._get_fulfilment_todo_domain())

    def refund(self, tx, amount=None):
        """Refund through the provider (payment_demo answers at once), then the
        post-processing that payment's cron runs."""
        tx.action_refund(amount_to_refund=amount)
        refund = tx.child_transaction_ids.filtered(
            lambda child: child.operation == "refund"
        )
        self.assertEqual(refund.state, "done")
        refund._post_process()
        return refund

    def receivable(self, tx):
        return tx.payment_id.move_id.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )

    def assert_stopped(self, order, *words):
        self.assertEqual(order.fulfilment_state, "exception")
        for word in words:
            self.assertIn(word, order.fulfilment_exception_reason)
        self.assertEqual(len(order.activity_ids), 1)
        self.assertIn("Fulfilment failed", order.message_ids[0].body)

    # ------------------------------------------------------------------
    # Partial payments
    # ------------------------------------------------------------------

    def test_prepayment_confirms_and_the_automation_waits_for_the_rest(self):
        set_policy(self.env, auto_invoice=True, validate=True)
        self.env.company.prepayment_percent = 0.3
        order = self.order(require_payment=True, prepayment_percent=0.3)
        self.assertEqual(order.amount_total, 100.0)
        first = pay(order, amount=30.0)
        # Core confirms the order on the down payment ...
        self.assertEqual(order.state, "sale")
        # ... and nothing is invoiced nor shipped for 30 %.
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.picking_ids.state, "assigned")
        self.assertEqual(order.fulfilment_state, "awaiting_payment")
        self.assertFalse(order.fulfilment_paid)
        self.assertEqual(order.fulfilment_amount_paid, 30.0)
        self.assertEqual(order.fulfilment_amount_missing, 70.0)
        (status,) = order.get_fulfilment_status()
        self.assertIs(status["paid"], False)
        self.assertEqual(status["amount_paid"], 30.0)
        self.assertEqual(status["amount_missing"], 70.0)
        self.assertNotIn(order, self.todo())
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertFalse(order.invoice_ids)
        with self.assertRaisesRegex(UserError, r"70\.00.*still to pay"):
            order.action_fulfil()
        # The rest arrives: invoiced, reconciled with both payments, shipped.
        rest = pay(order, amount=70.0)
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(
            invoice._get_reconciled_payments(), first.payment_id | rest.payment_id
        )
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.fulfilment_state, "delivered")
        (status,) = order.get_fulfilment_status()
        self.assertIs(status["paid"], True)
        self.assertEqual(status["amount_missing"], 0.0)

    def test_two_payments_adding_up_to_the_total(self):
        order = self.order()
        order.action_confirm()
        first = pay(order, amount=60.0)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.fulfilment_amount_missing, 40.0)
        second = pay(order, amount=40.0)
        invoice = self.customer_invoices(order)
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(
            invoice._get_reconciled_payments(), first.payment_id | second.payment_id
        )
        self.assertEqual(order.fulfilment_state, "invoiced")

    def test_payments_in_another_currency_are_converted(self):
        set_policy(self.env, auto_invoice=False)
        self.assertEqual(self.env.company.currency_id, self.env.ref("base.USD"))
        eur = self.env.ref("base.EUR")
        eur.active = True
        # 0.5 EUR for 1 USD: 1 EUR pays 2 USD of the order.
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.5, "company_id": self.env.company.id}
        )
        order = self.order()
        order.action_confirm()
        pay(order, amount=40.0, currency=eur)
        self.assertEqual(order.fulfilment_amount_paid, 80.0)
        self.assertEqual(order.fulfilment_amount_missing, 20.0)
        self.assertEqual(order.fulfilment_state, "awaiting_payment")
        pay(order, amount=10.0, currency=eur)
        self.assertTrue(order.fulfilment_paid)
        self.assertEqual(order.fulfilment_state, "paid")

    def test_partial_captures_count_once_captured(self):
        provider = setup_demo_provider(self.env)
        provider.capture_manually = True
        order = self.order()
        tx = pay(order)
        self.assertEqual(tx.state, "authorized")
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.fulfilment_paid, "authorized is not paid")
        first = tx._send_capture_request(amount_to_capture=60.0)
        first._post_process()
        self.assertEqual(order.fulfilment_amount_paid, 60.0)
        self.assertFalse(order.invoice_ids)
        second = tx._send_capture_request(amount_to_capture=40.0)
        second._post_process()
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.fulfilment_amount_paid, 100.0)
        invoice = self.customer_invoices(order)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(
            invoice._get_reconciled_payments(), first.payment_id | second.payment_id
        )

    # ------------------------------------------------------------------
    # Refunds through the provider
    # ------------------------------------------------------------------

    def test_full_refund_stops_the_automation(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order()
        tx = pay(order)
        self.assertEqual(order.fulfilment_state, "paid")
        refund = self.refund(tx)
        self.assert_stopped(order, refund.reference, "Refund")
        self.assertEqual(order.fulfilment_amount_paid, 0.0)
        # The money went back: the payment is matched with the refund, nothing
        # of it is left open to put on an invoice.
        self.assertTrue(all(self.receivable(tx).mapped("reconciled")))
        self.assertFalse(order._get_fulfilment_payment_lines())
        set_policy(self.env, auto_invoice=True, validate=True)
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.picking_ids.state, "assigned")
        with self.assertRaisesRegex(UserError, r"100\.00.*still to pay"):
            order.action_fulfil()
        # An invoice a person makes anyway is not paid with the refunded money.
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_partial_refund_stops_the_automation_until_a_person_decides(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order()
        tx = pay(order)
        refund = self.refund(tx, amount=30.0)
        self.assert_stopped(order, refund.reference)
        self.assertEqual(order.fulfilment_amount_paid, 70.0)
        self.assertEqual(order.fulfilment_amount_missing, 30.0)
        # Only what was not refunded is still open on the payment.
        self.assertAlmostEqual(
            sum(order._get_fulfilment_payment_lines().mapped("amount_residual")),
            -70.0,
        )
        set_policy(self.env, auto_invoice=True, validate=True)
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.picking_ids.state, "assigned")
        with self.assertRaisesRegex(UserError, r"30\.00.*still to pay"):
            order.action_fulfil()
        # The shop agrees to a lower price: paid in full now, but the batch
        # still leaves the order to the person.
        order.order_line.price_unit = 70.0
        self.assertTrue(order.fulfilment_paid)
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertFalse(order.invoice_ids)
        order.action_fulfil()
        invoice = self.customer_invoices(order)
        self.assertEqual(invoice.amount_total, 70.0)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(order.picking_ids.state, "done")
        self.assertFalse(order.fulfilment_exception)
        self.assertFalse(order.activity_ids)

    # ------------------------------------------------------------------
    # Invoices a person takes back
    # ------------------------------------------------------------------

    def test_cancelled_invoice_is_not_created_again(self):
        order = self.order()
        pay(order)
        invoice = self.customer_invoices(order)
        invoice.with_user(self.accountant).button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assert_stopped(order, invoice.name, "cancelled", self.accountant.name)
        self.assertEqual(order.invoice_status, "to invoice")
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertEqual(self.customer_invoices(order), invoice, "no new invoice")
        # A person decides: Fulfil invoices again.
        order.action_fulfil()
        new = self.customer_invoices(order) - invoice
        self.assertEqual(new.state, "posted")
        self.assertTrue(new.currency_id.is_zero(new.amount_residual))
        self.assertFalse(order.fulfilment_exception)

    def test_invoice_reset_to_draft_is_not_posted_nor_shipped(self):
        order = self.order()
        pay(order)
        invoice = self.customer_invoices(order)
        invoice.with_user(self.accountant).button_draft()
        self.assertEqual(invoice.state, "draft")
        self.assert_stopped(order, invoice.name, "reset to draft")
        set_policy(self.env, auto_invoice=True, validate=True)
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(order.picking_ids.state, "assigned")
        # The accountant posts it again (reconciled on posting), then Fulfil.
        invoice.with_user(self.accountant).action_post()
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        order.action_fulfil()
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.fulfilment_state, "delivered")

    def test_cancelling_the_order_is_no_exception(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order()
        pay(order)
        order._create_invoices()
        messages = order.message_ids
        order._action_cancel()
        self.assertEqual(order.invoice_ids.state, "cancel")
        self.assertFalse(order.fulfilment_exception)
        self.assertFalse(order.activity_ids)
        self.assertFalse(
            (order.message_ids - messages).filtered(
                lambda m: "Fulfilment failed" in (m.body or "")
            )
        )
