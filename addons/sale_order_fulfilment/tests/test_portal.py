from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged

from .common import create_order, create_product, pay, set_policy, setup_demo_provider


@tagged("post_install", "-at_install")
class TestPortalTimeline(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_demo_provider(cls.env)
        set_policy(cls.env, auto_invoice=True)
        cls.customer = new_test_user(
            cls.env,
            login="dewi_portal",
            password="dewi_portal",
            groups="base.group_portal",
        )
        cls.stranger = new_test_user(
            cls.env,
            login="eko_portal",
            password="eko_portal",
            groups="base.group_portal",
        )
        product = create_product(cls.env, name="Kopi Flores")
        cls.order = create_order(cls.env, cls.customer.partner_id, product)
        pay(cls.order)
        cls.invoice = cls.order.invoice_ids

    def test_customer_sees_timeline_with_invoice(self):
        self.authenticate("dewi_portal", "dewi_portal")
        response = self.url_open(f"/my/orders/{self.order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="fulfilment_timeline"', response.text)
        self.assertIn('data-step="invoiced"', response.text)
        self.assertIn(self.invoice.name, response.text)
        self.assertIn(f"/my/invoices/{self.invoice.id}", response.text)
        self.assertEqual(
            response.text.count("o_fulfilment_step_done"), 2
        )  # paid, invoiced

    def test_access_link_holder_sees_timeline(self):
        response = self.url_open(self.order.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="fulfilment_timeline"', response.text)

    def test_other_portal_user_gets_nothing(self):
        self.authenticate("eko_portal", "eko_portal")
        for url in (f"/my/orders/{self.order.id}", f"/my/invoices/{self.invoice.id}"):
            response = self.url_open(url)
            self.assertTrue(response.url.endswith("/my"), url)
            self.assertNotIn("fulfilment_timeline", response.text)
            self.assertNotIn(self.invoice.name, response.text)
        self.assertFalse(
            self.order.with_user(self.stranger).search([("id", "=", self.order.id)])
        )


@tagged("post_install", "-at_install")
class TestPortalPartialPayment(HttpCase):
    """The customer pays part of a confirmed order on its portal page, through
    the same routes as the portal payment form (payment_demo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = setup_demo_provider(cls.env)
        set_policy(cls.env, auto_invoice=True, validate=True)
        cls.customer = new_test_user(
            cls.env,
            login="made_portal",
            password="made_portal",
            groups="base.group_portal",
        )
        product = create_product(cls.env, name="Kopi Kerinci")
        cls.order = create_order(cls.env, cls.customer.partner_id, product)
        cls.order.action_confirm()

    def pay_on_portal(self, amount):
        order = self.order
        values = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.env.ref(
                    "payment_demo.payment_method_demo"
                ).id,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "is_validation": False,
                "access_token": order._portal_ensure_token(),
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": values["reference"],
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )
        self.assertEqual(
            self.make_jsonrpc_request("/payment/status/poll", {})["state"], "done"
        )
        self.env.invalidate_all()
        return self.env["payment.transaction"].search(
            [("reference", "=", values["reference"])]
        )

    def status_over_rpc(self):
        (status,) = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.customer.id,
            "made_portal",
            "sale.order",
            "get_fulfilment_status",
            [self.order.ids],
        )
        return status

    def test_ten_percent_is_not_fulfilled(self):
        self.authenticate("made_portal", "made_portal")
        tx = self.pay_on_portal(10.0)
        self.assertEqual(tx.amount, 10.0)
        self.assertTrue(tx.is_post_processed)
        self.assertEqual(tx.payment_id.state, "in_process")
        self.assertFalse(self.order.invoice_ids)
        self.assertEqual(self.order.picking_ids.state, "assigned")
        self.assertEqual(self.order.fulfilment_state, "awaiting_payment")
        page = self.url_open(f"/my/orders/{self.order.id}").text
        self.assertIn("o_fulfilment_amount_missing", page)
        self.assertIn("90.00", page)
        self.assertNotIn("o_fulfilment_step_done", page, "not even paid")
        status = self.status_over_rpc()
        self.assertIs(status["paid"], False)
        self.assertEqual(status["amount_paid"], 10.0)
        self.assertEqual(status["amount_missing"], 90.0)
        # Customers cannot fulfil anything themselves.
        with self.assertRaises(Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.customer.id,
                "made_portal",
                "sale.order",
                "action_fulfil",
                [self.order.ids],
            )
        self.env.invalidate_all()
        self.assertFalse(self.order.invoice_ids)
        # The rest, on the same page: invoiced and shipped.
        self.pay_on_portal(90.0)
        invoice = self.order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(self.order.picking_ids.state, "done")
        self.assertEqual(self.status_over_rpc()["amount_missing"], 0.0)

    def test_exception_reason_stays_internal(self):
        self.order._fulfilment_set_exception(
            ValueError("psycopg2.errors.Secret: relation account_tax_internal")
        )
        self.authenticate("made_portal", "made_portal")
        page = self.url_open(f"/my/orders/{self.order.id}").text
        self.assertIn("We are looking into your order.", page)
        self.assertNotIn("account_tax_internal", page)
        status = self.status_over_rpc()
        self.assertEqual(status["state"], "exception")
        self.assertEqual(status["exception_reason"], "We are looking into your order.")
        with self.assertRaises(Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.customer.id,
                "made_portal",
                "sale.order",
                "read",
                [self.order.ids, ["fulfilment_exception_reason"]],
            )
        # Staff still read the reason.
        (internal,) = self.order.get_fulfilment_status()
        self.assertIn("account_tax_internal", internal["exception_reason"])

    def test_other_customer_gets_no_status(self):
        other = new_test_user(
            self.env,
            login="putu_portal",
            password="putu_portal",
            groups="base.group_portal",
        )
        with self.assertRaises(Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                other.id,
                "putu_portal",
                "sale.order",
                "get_fulfilment_status",
                [self.order.ids],
            )
