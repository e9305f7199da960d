from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import (
    FulfilmentCase,
    break_product_accounting,
    create_product,
    pay,
    set_policy,
)


@tagged("post_install", "-at_install")
class TestPaymentFlow(FulfilmentCase):
    def test_paid_order_is_invoiced_posted_reconciled(self):
        order = self.order()
        self.assertEqual(order.fulfilment_state, "awaiting_payment")
        tx = pay(order)
        self.assertEqual(order.state, "sale")
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice._get_reconciled_payments(), tx.payment_id)
        self.assertEqual(order.fulfilment_state, "invoiced")
        self.assertEqual(order.fulfilment_payment_ids, tx.payment_id)
        self.assertEqual(invoice.fulfilment_payment_count, 1)
        # the Payments buttons of the order and the invoice open that payment
        for record in (order, invoice):
            action = record.action_view_fulfilment_payments()
            self.assertEqual(
                self.env["account.payment"].search(action["domain"]), tx.payment_id
            )

    def test_policy_off_leaves_order_paid(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order()
        pay(order)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.fulfilment_state, "paid")

    def test_invoice_on_delivery_policy(self):
        set_policy(self.env, auto_invoice=True, on_delivery=True)
        order = self.order(self.product_on_delivery)
        tx = pay(order)
        # Nothing is invoiceable before the delivery.
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.fulfilment_state, "paid")
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        self.assertIs(picking.button_validate(), True)
        invoice = self.customer_invoices(order)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice._get_reconciled_payments(), tx.payment_id)
        # No carrier: the shop handed the parcel over itself.
        self.assertEqual(order.fulfilment_state, "delivered")

    def test_mixed_policies_invoice_in_two_steps(self):
        set_policy(self.env, auto_invoice=True, on_delivery=True)
        order = self.order(self.product | self.product_on_delivery)
        pay(order)
        first = self.customer_invoices(order)
        self.assertEqual(first.invoice_line_ids.product_id, self.product)
        self.assertTrue(first.currency_id.is_zero(first.amount_residual))
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        second = self.customer_invoices(order) - first
        self.assertEqual(second.invoice_line_ids.product_id, self.product_on_delivery)
        self.assertTrue(second.currency_id.is_zero(second.amount_residual))

    def test_auto_validate_delivery_per_website(self):
        set_policy(self.env, auto_invoice=True, validate=True)
        order = self.order()
        pay(order)
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.fulfilment_state, "delivered")
        carrier_product = self.env["product.product"].create(
            {"name": "Kurir", "type": "service", "list_price": 0}
        )
        carrier = self.env["delivery.carrier"].create(
            {"name": "Kurir Kota", "product_id": carrier_product.id}
        )
        shipped = self.order()
        shipped.set_delivery_line(carrier, 0.0)
        pay(shipped)
        self.assertEqual(shipped.picking_ids.carrier_id, carrier)
        self.assertEqual(shipped.fulfilment_state, "shipped")

    def test_no_auto_validation_when_website_setting_off(self):
        order = self.order()
        pay(order)
        self.assertEqual(order.picking_ids.state, "assigned")
        self.assertEqual(order.fulfilment_state, "invoiced")

    def test_partial_payment_then_rest(self):
        self.env.company.prepayment_percent = 0.5
        order = self.order(require_payment=True, prepayment_percent=0.5)
        tx1 = pay(order, amount=order.amount_total / 2)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.invoice_ids, "half paid is not paid")
        tx2 = pay(order, amount=order.amount_total / 2)
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(
            invoice._get_reconciled_payments(), tx1.payment_id | tx2.payment_id
        )

    def test_three_transactions_with_rounding(self):
        self.env.company.prepayment_percent = 0.3
        order = self.order(require_payment=True, prepayment_percent=0.3)
        txs = pay(order, 33.33) | pay(order, 33.33)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.fulfilment_amount_missing, 33.34)
        txs |= pay(order, 33.34)
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(invoice._get_reconciled_payments(), txs.payment_id)
        self.assertEqual(len(order.fulfilment_payment_ids), 3)

    def test_payment_marked_paid_before_invoice(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order()
        tx = pay(order)
        # A payment matched with the bank is "paid": core's own matching skips it.
        tx.payment_id.action_validate()
        self.assertEqual(tx.payment_id.state, "paid")
        order.action_fulfil()
        invoice = self.customer_invoices(order)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(invoice._get_reconciled_payments(), tx.payment_id)

    def test_manual_invoice_after_payment_is_reconciled(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order()
        tx = pay(order)
        tx.payment_id.action_validate()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice._get_reconciled_payments(), tx.payment_id)

    def test_never_another_customers_payment(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order(require_payment=True, prepayment_percent=0.5)
        other = self.order(partner=self.other_partner)
        pay(order, amount=order.amount_total / 2)
        other_tx = pay(other)
        # Half paid: invoiced by a person (posting reconciles the payments).
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertNotIn(other_tx.payment_id, invoice._get_reconciled_payments())
        other_lines = other._get_fulfilment_payment_lines()
        self.assertTrue(other_lines, "the other customer's payment stays open")

    def test_fulfil_twice_does_nothing_new(self):
        order = self.order()
        pay(order)
        invoice = self.customer_invoices(order)
        partials = invoice.line_ids.matched_credit_ids
        order.action_fulfil()
        order.action_fulfil()
        self.assertEqual(self.customer_invoices(order), invoice)
        self.assertEqual(invoice.line_ids.matched_credit_ids, partials)

    def test_fulfil_unpaid_order_is_refused(self):
        quotation = self.order()
        with self.assertRaisesRegex(UserError, rf"{quotation.name} \(not confirmed\)"):
            quotation.action_fulfil()
        order = self.order()
        order.action_confirm()
        with self.assertRaisesRegex(
            UserError, rf"{order.name} \(.*100\.00 still to pay\)"
        ):
            order.action_fulfil()

    def test_core_automatic_invoice_and_ours_make_one_invoice(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        order = self.order()
        pay(order)
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))

    def test_failure_keeps_core_post_processing(self):
        product = create_product(self.env, name="Kopi Gayo")
        break_product_accounting(product)
        order = self.order(product)
        tx = pay(order)
        # Core's work is kept: order confirmed, payment posted.
        self.assertEqual(order.state, "sale")
        self.assertEqual(tx.payment_id.state, "in_process")
        self.assertTrue(tx.is_post_processed)
        # Ours failed visibly, without any half-written invoice.
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.fulfilment_state, "exception")
        self.assertIn("deprecated", order.fulfilment_exception_reason)
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(
                    "sale_order_fulfilment.mail_activity_type_fulfilment_exception"
                )
            )
        )
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("Fulfilment failed", order.message_ids[0].body)
        # Fixed and retried: the exception is resolved.
        product.property_account_income_id = False
        order.action_fulfil()
        self.assertFalse(order.fulfilment_exception)
        self.assertEqual(order.fulfilment_state, "invoiced")
        self.assertFalse(order.activity_ids)

    def test_status_is_json_safe(self):
        order = self.order()
        pay(order)
        (status,) = order.get_fulfilment_status()
        self.assertEqual(status["state"], "invoiced")
        self.assertEqual(status["exception_reason"], "")
        self.assertTrue(status["paid"])
        self.assertEqual(len(status["invoices"]), 1)
        self.assertEqual(len(status["payments"]), 1)

        def walk(value):
            self.assertIsNotNone(value)
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            else:
                self.assertIsInstance(value, (str, int, float, bool))

        walk(status)
