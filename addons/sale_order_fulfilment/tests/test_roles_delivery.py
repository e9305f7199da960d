from odoo.tests import tagged

from .common import FulfilmentCase, pay, set_policy


@tagged("post_install", "-at_install")
class TestRolesDelivery(FulfilmentCase):
    """Deliveries are validated by warehouse staff, who have no Sales and no
    Accounting rights: the automation must not need them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = cls.env["res.users"].create(
            {
                "name": "Gudang Wati",
                "login": "wati_gudang",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )

    def test_warehouse_user_validates_paid_order_invoiced_on_delivery(self):
        user = self.warehouse_user
        self.assertFalse(user.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(user.has_group("account.group_account_invoice"))
        set_policy(self.env, auto_invoice=True, on_delivery=True)
        order = self.order(self.product_on_delivery)
        tx = pay(order)
        self.assertFalse(order.invoice_ids)
        # as in a new request: nothing read by the superuser stays cached
        self.env.invalidate_all()
        picking = order.picking_ids.with_user(user)
        picking.move_ids.write({"quantity": 1, "picked": True})
        self.assertIs(picking.with_context(skip_sms=True).button_validate(), True)
        self.assertEqual(picking.state, "done")
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice._get_reconciled_payments(), tx.payment_id)
        self.assertFalse(order.fulfilment_exception, order.fulfilment_exception_reason)
        self.assertEqual(order.fulfilment_state, "delivered")
        self.assertEqual(invoice.create_uid, user)

    def test_own_documents_salesperson_validates_other_order(self):
        """A warehouse user who also sells (own documents only) validates the
        delivery of another salesperson's order (core's sale_stock test
        test_inventory_admin_no_backorder_not_own_sale_order, with our policy)."""
        user = self.warehouse_user
        user.groups_id += self.env.ref("sales_team.group_sale_salesman")
        set_policy(self.env, auto_invoice=True, on_delivery=True)
        order = self.order(self.product_on_delivery)
        pay(order)
        self.assertFalse(order.with_user(user).has_access("read"))
        # as in a new request: nothing read by the superuser stays cached
        self.env.invalidate_all()
        picking = order.picking_ids.with_user(user)
        picking.move_ids.write({"quantity": 1, "picked": True})
        self.assertIs(picking.with_context(skip_sms=True).button_validate(), True)
        invoice = self.customer_invoices(order)
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(order.fulfilment_exception, order.fulfilment_exception_reason)
