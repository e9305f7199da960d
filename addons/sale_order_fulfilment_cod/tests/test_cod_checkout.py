import json
import re

from odoo.tests import new_test_user, tagged

from .common import CodCommon


@tagged("post_install", "-at_install")
class TestCodCheckout(CodCommon):
    """The shop's checkout routes as a portal customer and a public visitor
    call them: the payment step, the transaction route, the provider's
    route, the status poll."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "cod_portal", groups="base.group_portal", name="Rina Portal"
        )
        cls.portal_user.partner_id.write(
            {
                "street": "Jl. Braga 2",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 3333",
                "email": "rina@example.com",
                "country_id": cls.env.ref("base.id").id,
                "state_id": cls.env.ref("base.state_id_jb").id,
            }
        )
        cls.demo_provider = cls.env.ref("payment.payment_provider_demo")
        cls.demo_provider.write({"state": "test", "is_published": True})

    def _cart(self, carrier, qty=1):
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.goods.id, "add_qty": qty}
        )
        summary = self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": carrier.id}
        )
        self.assertTrue(summary["success"], summary)
        return self.env["sale.order"].search(
            [("website_id", "=", self.website.id)], order="id desc", limit=1
        )

    def _pay(self, order, provider, method, amount):
        return self.make_jsonrpc_request(
            f"/shop/payment/transaction/{order.id}",
            self._pay_params(order, provider, method, amount),
        )

    def _pay_refused(self, order, provider, method, amount):
        """The error message the customer reads for a refused payment."""
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": self._pay_params(order, provider, method, amount),
        }
        response = self.url_open(
            f"/shop/payment/transaction/{order.id}",
            json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["error"]["data"]["message"]

    def _pay_params(self, order, provider, method, amount):
        return {
            "provider_id": provider.id,
            "payment_method_id": method.id,
            "token_id": None,
            "amount": amount,
            "flow": "redirect",
            "tokenization_requested": False,
            "landing_route": "/shop/payment/validate",
            "access_token": order._portal_ensure_token(),
        }

    def _choose_cod(self, order):
        """Pay now with COD: the transaction, then the provider's redirect
        form posted as the browser does, then the status poll."""
        tx = self._choose_cod_pending(order)
        poll = self.make_jsonrpc_request("/payment/status/poll", {})
        self.assertEqual(poll["state"], "pending")
        return tx

    def _choose_cod_pending(self, order):
        """Pay now with COD up to the redirect form posted: the transaction is
        pending, not post-processed yet (the status page polls next)."""
        tx = self._start_cod(order)
        self._post_cod_form(tx)
        self.assertEqual(tx.state, "pending")
        self.assertFalse(tx.is_post_processed)
        return tx

    def _start_cod(self, order):
        """Pay now with COD: the transaction is created (draft) with the
        redirect form of payment_custom, which the browser posts next."""
        values = self._pay(order, self.provider, self.cod_method, order.amount_total)
        self.assertIn("/payment/custom/process", values["redirect_form_html"])
        reference = re.search(
            r'name="reference" value="([^"]+)"', values["redirect_form_html"]
        ).group(1)
        tx = self.env["payment.transaction"].search([("reference", "=", reference)])
        self.assertEqual(tx.state, "draft")
        return tx

    def _post_cod_form(self, tx):
        response = self.url_open(
            "/payment/custom/process",
            data={"reference": tx.reference},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()

    def assertNotConfirmed(self, order, tx):
        """Nothing of a COD order was written: the quotation waits for the
        customer's next payment."""
        self.env.invalidate_all()
        self.assertEqual(tx.state, "cancel")
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.is_cod)
        self.assertEqual(order.cod_state, "none")
        self.assertFalse(order.picking_ids)
        self.assertFalse(order.invoice_ids)
        self.assertFalse(order.fulfilment_may_automate)

    def test_cart_lowered_after_choosing_cod_is_not_confirmed(self):
        """A cart request sent after the COD transaction was made, before its
        form is posted (another tab, a forged request) lowering the quantity:
        the transaction is void, the order is not confirmed for the lower
        total, the customer goes through payment again. (Once the
        transaction is pending, website_sale gives such requests a new cart.)"""
        self.authenticate("cod_portal", "cod_portal")
        order = self._cart(self.cod_carrier, qty=2)
        tx = self._start_cod(order)
        self.assertEqual(tx.amount, 214.0)
        line = order.order_line.filtered(lambda sol: sol.product_id == self.goods)
        self.make_jsonrpc_request(
            "/shop/cart/update_json",
            {"product_id": self.goods.id, "line_id": line.id, "set_qty": 1},
        )
        self.env.invalidate_all()
        self.assertEqual(order.amount_total, 114.0)
        self._post_cod_form(tx)
        poll = self.make_jsonrpc_request("/payment/status/poll", {})
        self.assertEqual(poll["state"], "cancel")
        self.assertNotConfirmed(order, tx)
        self.assertIn("The cart changed after cash on delivery", tx.state_message)
        # paying again with COD confirms the order as it is now
        tx = self._choose_cod(order)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.cod_amount, 114.0)
        self.assertEqual(tx.amount, 114.0)

    def test_fee_line_is_out_of_reach_of_cart_requests(self):
        """The fee line is the order's: a cart request naming it removes or
        multiplies nothing, the fee product cannot be added, and the request
        still voids the COD transaction made before it."""
        self.authenticate("cod_portal", "cod_portal")
        order = self._cart(self.cod_carrier)
        tx = self._start_cod(order)
        fee_line = order._cod_fee_lines()
        fee_product = fee_line.product_id
        for qty in (0, 5):
            self.make_jsonrpc_request(
                "/shop/cart/update_json",
                {"product_id": fee_product.id, "line_id": fee_line.id, "set_qty": qty},
            )
            self.env.invalidate_all()
            self.assertEqual(order._cod_fee_lines(), fee_line)
            self.assertEqual(fee_line.product_uom_qty, 1.0)
            self.assertEqual(order.amount_total, 114.0)
        with self.assertRaises(Exception):  # noqa: B017 (the route's JSON-RPC error)
            self.make_jsonrpc_request(
                "/shop/cart/update_json", {"product_id": fee_product.id, "add_qty": 1}
            )
        self.env.invalidate_all()
        self.assertEqual(order.order_line.product_id.filtered("sale_ok"), self.goods)
        self._post_cod_form(tx)
        self.make_jsonrpc_request("/payment/status/poll", {})
        self.assertNotConfirmed(order, tx)

    def test_transaction_for_another_total_cancelled(self):
        """The pending COD transaction confirms the order only for the order's
        total at that moment (sale checks amounts of done and authorized
        transactions only): one for another amount is cancelled with the
        reason, the order stays a quotation."""
        order = self.cod_cart()
        order._cod_set_fee_line()
        tx = self.cod_transaction(order, order.amount_total - 10.0)
        tx._post_process()
        self.assertNotConfirmed(order, tx)
        self.assertIn("104.00, now", tx.state_message)
        self.assertIn("now", tx.state_message)
        self.assertIn("Cash on delivery refused", order.message_ids[0].body)

    def test_portal_customer_pays_cash_on_delivery(self):
        self.authenticate("cod_portal", "cod_portal")
        order = self._cart(self.cod_carrier)
        self.assertEqual(order.partner_id, self.portal_user.partner_id)
        page = self.url_open("/shop/payment")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f'data-provider-id="{self.provider.id}"', page.text)
        self.assertIn("o_cod_fee", page.text)
        self.assertIn("Pay the courier in cash", page.text)
        self.assertEqual(order.amount_total, 110.0)
        tx = self._choose_cod(order)
        self.env.invalidate_all()
        self.assertEqual(tx.state, "pending")
        self.assertEqual(tx.amount, 114.0)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.cod_state, "to_collect")
        self.assertEqual(len(order._cod_fee_lines()), 1)
        self.assertEqual(order.amount_total, 114.0)
        self.assertFalse(order.fulfilment_paid)
        # the customer's order page: pay on delivery, no "Paid" step
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Pay on delivery", page.text)
        self.assertNotIn('data-step="paid"', page.text)
        self.assertIn('data-step="cod_paid"', page.text)
        self.assertIn("Please have the amount ready in cash", page.text)
        # delivered: paid
        picking = self.ship(order)
        self.report(picking, "delivered")
        self.authenticate("cod_portal", "cod_portal")
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertIn("o_cod_paid", page.text)
        self.assertNotIn("Pay on delivery", page.text)
        self.assertNotIn("Please have the amount ready in cash", page.text)

    def test_other_payment_after_cod_removes_the_fee(self):
        self.authenticate("cod_portal", "cod_portal")
        order = self._cart(self.cod_carrier)
        self._pay(order, self.provider, self.cod_method, 110.0)
        self.assertEqual(order.amount_total, 114.0)
        # back in the payment step: the totals without the fee, COD again:
        # still one fee line
        page = self.url_open("/shop/payment")
        self.assertEqual(page.status_code, 200)
        self.assertFalse(order._cod_fee_lines())
        self.assertEqual(order.amount_total, 110.0)
        self._pay(order, self.provider, self.cod_method, 110.0)
        self._pay(order, self.provider, self.cod_method, 114.0)
        self.assertEqual(len(order._cod_fee_lines()), 1)
        demo_method = self.env.ref("payment_demo.payment_method_demo")
        values = self._pay(order, self.demo_provider, demo_method, 114.0)
        self.assertTrue(values["reference"])
        self.assertFalse(order._cod_fee_lines())
        self.assertEqual(order.amount_total, 110.0)

    def test_not_offered_refused_nothing_written(self):
        self.authenticate("cod_portal", "cod_portal")
        order = self._cart(self.plain_carrier)
        page = self.url_open("/shop/payment")
        self.assertNotIn(f'data-provider-id="{self.provider.id}"', page.text)
        message = self._pay_refused(
            order, self.provider, self.cod_method, order.amount_total
        )
        self.assertEqual(message, "Kurir Tanpa COD does not offer cash on delivery.")
        self.assertFalse(order._cod_fee_lines())
        self.assertFalse(order.transaction_ids)
        self.assertEqual(order.state, "draft")

    def test_over_maximum_refused(self):
        self.authenticate("cod_portal", "cod_portal")
        order = self._cart(self.cod_carrier, qty=5)
        page = self.url_open("/shop/payment")
        self.assertNotIn(f'data-provider-id="{self.provider.id}"', page.text)
        message = self._pay_refused(
            order, self.provider, self.cod_method, order.amount_total
        )
        self.assertIn("Cash on delivery is available up to", message)
        self.assertIn("514.00", message)
        self.assertFalse(order._cod_fee_lines())
        self.assertFalse(order.transaction_ids)

    def test_public_visitor_pays_cash_on_delivery(self):
        self.authenticate(None, None)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.goods.id, "add_qty": 1}
        )
        order = self.env["sale.order"].search(
            [("website_id", "=", self.website.id)], order="id desc", limit=1
        )
        visitor = self.env["res.partner"].create(
            {
                "name": "Visitor Dewi",
                "street": "Jl. Asia Afrika 8",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 4444",
                "email": "dewi@example.com",
                "country_id": self.env.ref("base.id").id,
            }
        )
        order.write(
            {
                "partner_id": visitor.id,
                "partner_invoice_id": visitor.id,
                "partner_shipping_id": visitor.id,
            }
        )
        self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.cod_carrier.id}
        )
        tx = self._choose_cod(order)
        self.env.invalidate_all()
        self.assertEqual(tx.state, "pending")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.cod_state, "to_collect")
        self.assertEqual(order.amount_total, 114.0)
