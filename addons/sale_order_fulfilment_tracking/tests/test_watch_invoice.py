from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

WATCH_TYPE = "delivery_carrier_tracking.mail_activity_type_shipment_watch"
UNPAID = [("watch_reason", "=", "invoice_unpaid")]


@tagged("post_install", "-at_install")
class TestWatchDeliveredUnpaid(TransactionCase):
    """Shipments to watch: delivered by the carrier, invoice not paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"tracking_number_mail": False})
        cls.env.company.partner_id.write(
            {"street": "Jl. Gudang 1", "city": "Jakarta", "zip": "10110"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Dewi Lestari",
                "street": "Jl. Braga 5",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 4444",
                "country_id": cls.env.ref("base.id").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kain Tenun",
                "type": "consu",
                "weight": 0.4,
                "list_price": 100.0,
                "invoice_policy": "order",
            }
        )
        carrier_product = cls.env["product.product"].create(
            {"name": "Kurir Pulau", "type": "service"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Kurir Pulau",
                "delivery_type": "fixed",
                "product_id": carrier_product.id,
                "fixed_price": 10.0,
            }
        )
        cls.warehouse_user = new_test_user(
            cls.env,
            login="watch_unpaid_warehouse",
            groups="base.group_user,stock.group_stock_user",
        )

    def _shipped(self, state="delivered"):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        order.set_delivery_line(self.carrier, 10.0)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        picking.button_validate()
        picking._tracking_set_number(f"KP{picking.id:08d}")
        now = fields.Datetime.now()
        picking._tracking_apply_events(
            [
                {
                    "event_time": now - timedelta(minutes=5),
                    "shipment_state": state,
                    "status_code": state,
                    "description": state,
                }
            ]
        )
        self.assertEqual(picking.shipment_state, state)
        return order, picking

    def _invoice(self, order, post=True):
        invoice = order._create_invoices()
        if post:
            invoice.action_post()
        return invoice

    def _pay(self, invoice, amount=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount or invoice.amount_residual})._create_payments()

    def _found(self, pickings, domain, user=None):
        Picking = self.env["stock.picking"]
        if user:
            Picking = Picking.with_user(user)
        return Picking.search([("id", "in", pickings.ids), *domain])

    def test_filter_picks_delivered_orders_with_unpaid_invoices(self):
        order_unpaid, unpaid = self._shipped()
        self._invoice(order_unpaid)
        order_partial, partial = self._shipped()
        self._pay(self._invoice(order_partial), 50.0)
        order_paid, paid = self._shipped()
        self._pay(self._invoice(order_paid))
        order_draft, draft = self._shipped()
        self._invoice(order_draft, post=False)
        _order, not_invoiced = self._shipped()
        order_moving, moving = self._shipped("in_transit")
        self._invoice(order_moving)
        mine = unpaid + partial + paid + draft + not_invoiced + moving

        self.assertEqual(order_partial.invoice_ids.payment_state, "partial")
        self.assertIn(order_paid.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(self._found(mine, UNPAID), unpaid + partial)
        self.assertEqual(
            self._found(mine, [("watch_reason", "!=", False)]), unpaid + partial
        )
        self.assertEqual(
            {p: p.watch_reason for p in mine},
            {
                unpaid: "invoice_unpaid",
                partial: "invoice_unpaid",
                paid: False,
                draft: False,
                not_invoiced: False,
                moving: False,
            },
        )

        # paid in full now: off the list
        self._pay(order_partial.invoice_ids)
        mine.invalidate_recordset(["watch_reason"])
        self.assertEqual(self._found(mine, UNPAID), unpaid)
        self.assertFalse(partial.watch_reason)

    def test_warehouse_user_without_accounting_rights(self):
        user = self.warehouse_user
        order, picking = self._shipped()
        invoice = self._invoice(order)
        # the user cannot read the invoice itself
        with self.assertRaises(AccessError):
            invoice.with_user(user).check_access("read")
        self.assertEqual(self._found(picking, UNPAID, user=user), picking)
        Picking = self.env["stock.picking"].with_user(user)
        rows = Picking.web_search_read(
            [("id", "=", picking.id), ("watch_reason", "!=", False)],
            {"name": {}, "watch_reason": {}, "carrier_id": {"fields": {}}},
        )["records"]
        self.assertEqual([row["watch_reason"] for row in rows], ["invoice_unpaid"])
        groups = Picking.web_read_group(
            [("id", "=", picking.id), *UNPAID], ["carrier_id"], ["carrier_id"]
        )["groups"]
        self.assertEqual(groups[0]["carrier_id"][0], self.carrier.id)
        search_view = Picking.get_views([(False, "search")])["views"]["search"]
        self.assertIn('name="watch_invoice_unpaid"', search_view["arch"])

    def test_activity_until_paid(self):
        order, picking = self._shipped()
        invoice = self._invoice(order)
        Picking = self.env["stock.picking"]
        Picking._cron_watch_shipments()
        Picking._cron_watch_shipments()
        watch_type = self.env.ref(WATCH_TYPE)
        activity = picking.activity_ids.filtered(
            lambda a: a.activity_type_id == watch_type
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Delivered, invoice not paid")
        self._pay(invoice)
        Picking._cron_watch_shipments()
        self.assertFalse(activity.active)
        self.assertFalse(picking.watch_notified_reason)
