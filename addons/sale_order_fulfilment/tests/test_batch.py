from odoo.tests import tagged

from .common import (
    FulfilmentCase,
    break_product_accounting,
    create_product,
    pay,
    set_policy,
)


@tagged("post_install", "-at_install")
class TestBatch(FulfilmentCase):
    def paid_orders(self, count, products=None):
        """Orders paid while the automation was off: left for the batch."""
        set_policy(self.env, auto_invoice=False)
        orders = self.env["sale.order"]
        for __ in range(count):
            order = self.order(products)
            pay(order)
            orders |= order
        set_policy(self.env, auto_invoice=True)
        self.assertEqual(set(orders.mapped("fulfilment_state")), {"paid"})
        return orders

    def test_batch_fulfils_and_goes_on_after_a_bad_order(self):
        bad_product = create_product(self.env, name="Kopi Luwak")
        good1, good2 = self.paid_orders(2)
        (bad,) = self.paid_orders(1, bad_product)
        good3, good4 = self.paid_orders(2)
        goods = good1 | good2 | good3 | good4
        break_product_accounting(bad_product)
        todo = self.env["sale.order"].search(
            self.env["sale.order"]._get_fulfilment_todo_domain()
        )
        self.assertLessEqual(goods | bad, todo)
        moves_before = self.env["account.move"].search([])
        partials_before = self.env["account.partial.reconcile"].search([])
        self.env["sale.order"]._cron_fulfil_orders()
        for order in goods:
            self.assertEqual(order.fulfilment_state, "invoiced")
            invoice = self.customer_invoices(order)
            self.assertEqual(len(invoice), 1)
            self.assertEqual(
                invoice._get_reconciled_payments(), order.transaction_ids.payment_id
            )
            self.assertFalse(order.activity_ids)
        # Nothing half-written for the bad order: only the good orders' invoices
        # and reconciliations are new, the bad order's payment is still open.
        self.assertEqual(
            self.env["account.move"].search([]) - moves_before,
            goods.invoice_ids,
        )
        new_partials = (
            self.env["account.partial.reconcile"].search([]) - partials_before
        )
        self.assertEqual(new_partials, goods.invoice_ids.line_ids.matched_credit_ids)
        self.assertEqual(len(new_partials), 4)
        self.assertFalse(bad.invoice_ids)
        self.assertTrue(bad._get_fulfilment_payment_lines())
        self.assertEqual(bad.fulfilment_state, "exception")
        self.assertIn("deprecated", bad.fulfilment_exception_reason)
        self.assertIn("Fulfilment failed", bad.message_ids[0].body)
        self.assertEqual(len(bad.activity_ids), 1)
        self.assertEqual(bad.activity_ids.user_id, self.salesman)
        # The exception leaves the batch: no new message nor activity each run,
        # and the good orders are not invoiced again.
        messages = len(bad.message_ids)
        invoices = goods.invoice_ids
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertEqual(len(bad.message_ids), messages)
        self.assertEqual(len(bad.activity_ids), 1)
        self.assertEqual(goods.invoice_ids, invoices)
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("fulfilment_state", "=", "exception"), ("id", "=", bad.id)]
            ),
            1,
        )

    def test_batch_reconciles_a_payment_after_the_invoice(self):
        self.env.company.prepayment_percent = 0.5
        order = self.order(require_payment=True, prepayment_percent=0.5)
        half = order.amount_total / 2
        tx1 = pay(order, amount=half)
        # Half paid: not the automation's, a person invoices it.
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "partial")
        Order = self.env["sale.order"]
        self.assertNotIn(order, Order.search(Order._get_fulfilment_todo_domain()))
        # The rest is paid while another worker holds the order: core posts the
        # payment, our automation does not run.
        tx2 = pay(order, amount=half, post_process=False)
        self.assertEqual(tx2.payment_id.state, "in_process")
        self.assertEqual(invoice.payment_state, "partial")
        self.assertIn(order, Order.search(Order._get_fulfilment_todo_domain()))
        Order._cron_fulfil_orders()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(
            invoice._get_reconciled_payments(), tx1.payment_id | tx2.payment_id
        )
        partials = invoice.line_ids.matched_credit_ids
        self.assertEqual(len(partials), 2, "one reconciliation per payment")
        self.assertEqual(self.customer_invoices(order), invoice, "no new invoice")
        self.assertNotIn(order, Order.search(Order._get_fulfilment_todo_domain()))
        Order._cron_fulfil_orders()
        self.assertEqual(invoice.line_ids.matched_credit_ids, partials)

    def test_batch_leaves_orders_without_payment_to_reconcile(self):
        # Invoice and payment reconciled in full.
        (settled,) = self.paid_orders(1)
        settled.action_fulfil()
        # Invoice waiting for the rest, its only payment already reconciled.
        unpaid = self.order(require_payment=True, prepayment_percent=0.5)
        pay(unpaid, amount=unpaid.amount_total / 2)
        unpaid._create_invoices().action_post()
        self.assertEqual(self.customer_invoices(unpaid).payment_state, "partial")
        # An open payment but no invoice, and invoicing off.
        set_policy(self.env, auto_invoice=False)
        other = self.order(partner=self.other_partner)
        pay(other)
        Order = self.env["sale.order"]
        todo = Order.search(Order._get_fulfilment_todo_domain())
        self.assertFalse((settled | unpaid | other) & todo)

    def test_batch_twice_does_nothing_new(self):
        orders = self.paid_orders(2)
        self.env["sale.order"]._cron_fulfil_orders()
        invoices = orders.invoice_ids
        self.env["sale.order"]._cron_fulfil_orders()
        orders.action_fulfil()
        self.assertEqual(orders.invoice_ids, invoices)
        self.assertEqual(len(invoices), 2)

    def test_refund_then_batch_does_not_invoice_again(self):
        (order,) = self.paid_orders(1)
        order.action_fulfil()
        invoice = self.customer_invoices(order)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Rusak"})
        )
        reversal.refund_moves()
        credit_note = order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        credit_note.action_post()
        self.assertEqual(order.invoice_status, "to invoice")
        self.env["sale.order"]._cron_fulfil_orders()
        order.action_fulfil()
        self.assertEqual(self.customer_invoices(order), invoice)

    def test_batch_validates_reserved_deliveries(self):
        orders = self.paid_orders(2)
        set_policy(self.env, auto_invoice=True, validate=True)
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"done"})
        self.assertEqual(set(orders.mapped("fulfilment_state")), {"delivered"})
        # Both invoices matched in one go, each linked again to its own order's
        # transaction (core mails the invoices of transactions).
        for order in orders:
            invoice = self.customer_invoices(order)
            self.assertEqual(invoice.transaction_ids, order.transaction_ids)
            self.assertEqual(
                invoice._get_reconciled_payments(), order.transaction_ids.payment_id
            )

    def test_delivery_failing_alone_keeps_its_invoice_and_the_batch_goes_on(self):
        """Delivery validation runs per order, after the invoicing: a delivery
        that cannot be validated puts only its order in exception, and that
        order keeps its correct, reconciled invoice (Fulfil retries only what is
        missing)."""
        product = create_product(self.env, name="Kopi Bali", is_storable=True)
        stock = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(
            product, stock.lot_stock_id, 10
        )
        good, bad = self.paid_orders(2, product)
        # Delivering into a view location is refused by stock at validation.
        bad.picking_ids.move_line_ids.location_dest_id = stock.view_location_id
        set_policy(self.env, auto_invoice=True, validate=True)
        self.env["sale.order"]._cron_fulfil_orders()
        self.assertEqual(good.picking_ids.state, "done")
        self.assertEqual(good.fulfilment_state, "delivered")
        self.assertEqual(bad.picking_ids.state, "assigned")
        self.assertEqual(bad.fulfilment_state, "exception")
        self.assertEqual(len(bad.activity_ids), 1)
        invoice = self.customer_invoices(bad)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.payment_state, invoice._get_invoice_in_payment_state())

    def test_order_the_batch_cannot_finish_becomes_an_exception(self):
        """A payment the automation cannot match (the customer's receivable
        account changed after paying) would keep the order in the batch's
        to-do list forever: it goes to a person instead."""
        (order,) = self.paid_orders(1)
        other_receivable = self.env["account.account"].create(
            {
                "name": "Receivable (marketplace)",
                "code": "121099",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
        order.partner_id.property_account_receivable_id = other_receivable
        self.env["sale.order"]._cron_fulfil_orders()
        invoice = self.customer_invoices(order)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(order.fulfilment_state, "exception")
        self.assertIn("not matched", order.fulfilment_exception_reason)
        self.assertEqual(len(order.activity_ids), 1)
        todo = self.env["sale.order"].search(
            self.env["sale.order"]._get_fulfilment_todo_domain()
        )
        self.assertNotIn(order, todo)

    def test_search_filters(self):
        (paid,) = self.paid_orders(1)
        orders = self.env["sale.order"].search([("fulfilment_state", "=", "paid")])
        self.assertIn(paid, orders)
        paid.action_fulfil()
        self.assertNotIn(
            paid, self.env["sale.order"].search([("fulfilment_state", "=", "paid")])
        )

    def test_settings_pages(self):
        settings = self.env["res.config.settings"].create(
            {
                "fulfilment_auto_invoice": False,
                "fulfilment_invoice_on_delivery": True,
                "fulfilment_send_invoice": True,
                "fulfilment_auto_validate_delivery": True,
            }
        )
        settings.execute()
        self.assertFalse(self.env.company.fulfilment_auto_invoice)
        self.assertTrue(self.env.company.fulfilment_invoice_on_delivery)
        self.assertTrue(self.env.company.fulfilment_send_invoice)
        self.assertTrue(settings.website_id.fulfilment_auto_validate_delivery)
