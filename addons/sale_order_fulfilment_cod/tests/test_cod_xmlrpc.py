from odoo.tests import new_test_user, tagged

from .common import CodCommon


@tagged("post_install", "-at_install")
class TestCodXmlrpc(CodCommon):
    """get_fulfilment_status over XML-RPC tells how the order is paid, what
    the courier collects and the COD state, to the salesperson and to the
    customer (portal)."""

    def _status(self, login, order):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        self.assertTrue(uid)
        (status,) = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            uid,
            login,
            "sale.order",
            "get_fulfilment_status",
            [order.ids],
        )
        return status

    def test_status_for_salesperson_and_customer(self):
        new_test_user(
            self.env, "cod_rpc_sales", groups="sales_team.group_sale_salesman"
        )
        portal = new_test_user(self.env, "cod_rpc_portal", groups="base.group_portal")
        portal.partner_id.write(
            {
                "street": "Jl. Braga 2",
                "city": "Bandung",
                "zip": "40111",
                "phone": "0812",
            }
        )
        order = self.cod_cart(partner=portal.partner_id)
        self.pay_cod(order)
        for login in ("cod_rpc_sales", "cod_rpc_portal"):
            status = self._status(login, order)
            self.assertEqual(status["payment_method"], "cod")
            self.assertEqual(status["cod_amount"], 114.0)
            self.assertEqual(status["cod_state"], "to_collect")
            self.assertFalse(status["paid"])
            self.assertEqual(status["state"], "invoiced")
        picking = self.ship(order)
        self.report(picking, "delivered")
        status = self._status("cod_rpc_portal", order)
        self.assertEqual(status["cod_state"], "collected")
        self.assertEqual(status["cod_amount"], 0.0)
        self.assertEqual(status["invoices"][0]["payment_state"], "paid")
        self.assertEqual(
            (status["paid"], status["amount_paid"], status["amount_missing"]),
            (True, 114.0, 0.0),
        )
        # invoiced only when delivered: awaiting the cash, not an online payment
        self.env.company.cod_invoice_policy = "delivered"
        later = self.cod_cart(partner=portal.partner_id)
        self.pay_cod(later)
        self.assertFalse(later.invoice_ids)
        for login in ("cod_rpc_sales", "cod_rpc_portal"):
            status = self._status(login, later)
            self.assertEqual(
                (status["state"], status["state_label"], status["paid"]),
                ("awaiting_cod", "Awaiting Cash on Delivery", False),
            )
        plain = self.cod_cart()
        plain.action_confirm()
        status = self._status("cod_rpc_sales", plain)
        self.assertEqual(
            (status["payment_method"], status["cod_state"], status["cod_amount"]),
            ("none", "none", 0.0),
        )
