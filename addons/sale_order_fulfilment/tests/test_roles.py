"""The fulfilment as the shop's staff use it, each with core's rights only."""

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import FulfilmentCase, pay, set_policy

FIELDS = [
    "fulfilment_state",
    "fulfilment_paid",
    "fulfilment_amount_paid",
    "fulfilment_amount_missing",
    "fulfilment_payment_count",
    "fulfilment_exception_reason",
]


@tagged("post_install", "-at_install")
class TestRoles(FulfilmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_policy(cls.env, auto_invoice=False)
        cls.own = new_test_user(
            cls.env, login="sari_own", groups="sales_team.group_sale_salesman"
        )
        cls.all_docs = new_test_user(
            cls.env,
            login="tono_all",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.billing = new_test_user(
            cls.env, login="rina_acc", groups="account.group_account_invoice"
        )
        cls.warehouse = new_test_user(
            cls.env, login="joko_stock", groups="stock.group_stock_user"
        )

    def new_order_as(self, user):
        """A quotation made and confirmed in the form by the salesperson."""
        with Form(self.env["sale.order"].with_user(user)) as form:
            form.partner_id = self.partner
            with form.order_line.new() as line:
                line.product_id = self.product
        order = form.record
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fulfilment_state, "awaiting_payment")
        return order.with_user(self.env.user)

    def check_sees_and_fulfils(self, user, order):
        pay(order, amount=40.0)
        as_user = order.with_user(user)
        # Nothing computed by the administrator's calls: as in a new request.
        self.env.invalidate_all()
        with Form(as_user) as form:
            self.assertEqual(form.fulfilment_amount_missing, 60.0)
            form.client_order_ref = "PO-7"
        self.env.invalidate_all()
        (values,) = as_user.read(FIELDS)
        self.assertEqual(values["fulfilment_amount_paid"], 40.0)
        self.assertEqual(values["fulfilment_payment_count"], 1)
        pay(order, amount=60.0)
        self.env.invalidate_all()
        (status,) = as_user.get_fulfilment_status()
        self.assertEqual(status["state"], "paid")
        self.assertEqual(len(status["payments"]), 2)
        self.assertIs(as_user.action_fulfil(), True)
        invoice = self.customer_invoices(order)
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(as_user.fulfilment_state, "invoiced")
        # The invoice opens from the order (payments counted for all, listed
        # by the Payments button for billing users).
        self.env.invalidate_all()
        Form(invoice.with_user(user))
        self.env.invalidate_all()
        (values,) = invoice.with_user(user).read(["fulfilment_payment_count"])
        self.assertEqual(values["fulfilment_payment_count"], 2)

    def test_salesperson_own_documents(self):
        order = self.new_order_as(self.own)
        self.assertEqual(order.user_id, self.own)
        self.check_sees_and_fulfils(self.own, order)

    def test_salesperson_all_documents(self):
        order = self.order()  # Salesman Andi's order
        order.action_confirm()
        self.check_sees_and_fulfils(self.all_docs, order)

    def test_billing_user(self):
        order = self.order()
        order.action_confirm()
        self.check_sees_and_fulfils(self.billing, order)

    def test_salesperson_never_reads_other_peoples_orders(self):
        order = self.order()  # Salesman Andi's order
        pay(order)
        as_own = order.with_user(self.own)
        with self.assertRaises(AccessError):
            as_own.get_fulfilment_status()
        with self.assertRaises(AccessError):
            as_own.action_fulfil()
        self.assertFalse(order.invoice_ids)

    def test_warehouse_user_reads_status_but_does_not_invoice(self):
        order = self.order()
        pay(order)
        as_stock = order.with_user(self.warehouse)
        (status,) = as_stock.get_fulfilment_status()
        self.assertEqual(status["state"], "paid")
        with self.assertRaisesRegex(AccessError, "Accounting / Billing"):
            as_stock.action_fulfil()
        self.assertFalse(order.invoice_ids)
