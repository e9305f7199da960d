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
