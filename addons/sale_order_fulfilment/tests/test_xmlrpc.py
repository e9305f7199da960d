from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged

from .common import create_order, create_product, pay, set_policy, setup_demo_provider


@tagged("post_install", "-at_install")
class TestXmlRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_demo_provider(cls.env)
        set_policy(cls.env, auto_invoice=False)
        cls.user = new_test_user(
            cls.env,
            login="rpc_fulfil",
            password="rpc_fulfil_pw",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
        )
        partner = cls.env["res.partner"].create({"name": "Wayan Sudirta"})
        product = create_product(cls.env, name="Kopi Bali")
        cls.paid = create_order(cls.env, partner, product)
        pay(cls.paid)
        cls.unpaid = create_order(cls.env, partner, product)

    def call(self, method, ids):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.user.id,
            "rpc_fulfil_pw",
            "sale.order",
            method,
            [ids],
        )

    def test_fulfil_and_status_over_xmlrpc(self):
        (before,) = self.call("get_fulfilment_status", self.paid.ids)
        self.assertEqual(before["state"], "paid")
        self.assertEqual(before["invoices"], [])
        self.assertIs(self.call("action_fulfil", self.paid.ids), True)
        self.assertIs(self.call("action_fulfil", self.paid.ids), True)
        (after,) = self.call("get_fulfilment_status", self.paid.ids)
        self.assertEqual(after["state"], "invoiced")
        self.assertEqual(len(after["invoices"]), 1)
        invoice = after["invoices"][0]
        self.assertEqual(invoice["amount_residual"], 0.0)
        self.assertIn(invoice["payment_state"], ("paid", "in_payment"))
        self.assertEqual(len(after["payments"]), 1)
        self.assertEqual(after["deliveries"][0]["shipping_state"], "")

    def test_unpaid_order_is_a_clear_fault(self):
        with self.assertRaises(Fault) as caught:
            self.call("action_fulfil", self.unpaid.ids)
        self.assertIn(self.unpaid.name, caught.exception.faultString)

    def test_private_steps_are_not_callable(self):
        with self.assertRaises(Fault):
            self.call("_fulfil_steps", self.paid.ids)
