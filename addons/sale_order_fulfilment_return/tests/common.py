from datetime import timedelta

from odoo import fields
from odoo.addons.sale_order_fulfilment.tests.common import (
    FulfilmentCase,
    create_order,
    pay,
)
from odoo.tests import new_test_user


class ReturnCase(FulfilmentCase):
    """Paid, invoiced and delivered web orders of a portal customer, and the
    shop's users of every role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.website.write(
            {
                "return_window_days": 14,
                "return_auto_approve_amount": 0.0,
                "return_refund_on": "receipt",
                "return_refund_shipping": "never",
            }
        )
        cls.portal = new_test_user(
            cls.env,
            login="budi_portal",
            groups="base.group_portal",
            partner_id=cls.partner.id,
        )
        cls.other_portal = new_test_user(
            cls.env,
            login="siti_portal",
            groups="base.group_portal",
            partner_id=cls.other_partner.id,
        )
        cls.own = new_test_user(
            cls.env, login="ret_own", groups="sales_team.group_sale_salesman"
        )
        cls.all_docs = new_test_user(
            cls.env,
            login="ret_all",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.billing = new_test_user(
            cls.env, login="ret_billing", groups="account.group_account_invoice"
        )
        cls.warehouse = new_test_user(
            cls.env, login="ret_stock", groups="stock.group_stock_user"
        )
        cls.ship_product = cls.env["product.product"].create(
            {
                "name": "Ongkir Kurir Toko",
                "type": "service",
                "list_price": 0.0,
                "taxes_id": [],
            }
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Kurir Toko",
                "delivery_type": "fixed",
                "fixed_price": 20.0,
                "product_id": cls.ship_product.id,
            }
        )
        cls.damaged = cls.env.ref("sale_order_fulfilment_return.return_reason_damaged")
        cls.changed_mind = cls.env.ref(
            "sale_order_fulfilment_return.return_reason_changed_mind"
        )

    def delivered_order(
        self, qty=2.0, paid=True, partner=None, user=None, product=None
    ):
        """A web order of `qty` products with the shop's courier, paid online
        with payment_demo (invoiced by the automation) and delivered."""
        order = create_order(
            self.env,
            partner or self.partner,
            product or self.product,
            qty=qty,
            user_id=(user or self.own).id,
        )
        order.set_delivery_line(self.carrier, 20.0)
        order.action_confirm()
        if paid:
            pay(order)
            self.assertEqual(order.invoice_ids.payment_state, "paid")
        picking = self.delivery(order)
        picking.move_ids.write({"quantity": qty, "picked": True})
        picking.with_context(skip_sms=True).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_id, self.carrier)
        return order

    def delivery(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def goods_line(self, order):
        return order.order_line.filtered(lambda sol: not sol.is_delivery)

    def ask(self, order, qty=1.0, reason=None, user=None, **kwargs):
        """The customer's request (through the public method, as XML-RPC)."""
        line = self.goods_line(order)
        return order.with_user(user or self.portal).request_return(
            [
                {
                    "sale_line_id": line.id,
                    "quantity": qty,
                    "reason_id": (reason or self.changed_mind).id,
                }
            ],
            **kwargs,
        )

    def return_of(self, status):
        return self.env["sale.return"].browse(status["id"])

    def receive(self, ret, user=None):
        """The warehouse receives the parcel: validates the return transfer."""
        picking = ret.return_picking_ids.with_user(user or self.warehouse)
        for move in picking.move_ids:
            move.write({"quantity": move.product_uom_qty, "picked": True})
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(ret.return_picking_ids.state, "done")

    def age_delivery(self, order, days):
        self.delivery(order).date_done = fields.Datetime.now() - timedelta(days=days)
