"""Each fulfilment step is defined once: the batch's search and a run's
selection come from the same domain and agree on a varied set of orders."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import FulfilmentCase, create_product, pay, set_policy


@tagged("post_install", "-at_install")
class TestEngine(FulfilmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stocked = create_product(cls.env, name="Kopi Kintamani", is_storable=True)
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )

    def stock(self, product, qty, warehouse=None):
        self.env["stock.quant"]._update_available_quantity(
            product, (warehouse or self.warehouse).lot_stock_id, qty
        )

    def paid_order(self, products=None, qty=1.0, **vals):
        """An order paid while the automation was off: its steps are left."""
        set_policy(self.env, auto_invoice=False)
        order = self.order(products, **vals)
        if qty != 1.0:
            order.order_line.product_uom_qty = qty
        pay(order)
        return order

    def steps(self):
        return {
            step.name: step for step in self.env["sale.order"]._get_fulfilment_steps()
        }

    def assert_search_and_selection_agree(self, orders):
        """Per step, the batch's search and a run's in-memory selection (with
        what each order holds in cache, as a run sees it) pick the same orders.

        :return: {step name: orders selected}"""
        Order = self.env["sale.order"]
        selected = {}
        for name, step in self.steps().items():
            domain = Order._get_fulfilment_step_domain(step, "batch")
            found = Order.search([("id", "in", orders.ids), *domain])
            self.env.invalidate_all()
            in_memory = orders.filtered_domain(domain)
            self.assertEqual(found, in_memory, f"step {name}")
            selected[name] = found
        todo = Order.search(
            [("id", "in", orders.ids), *Order._get_fulfilment_todo_domain()]
        )
        self.assertEqual(
            todo,
            Order.union(
                *(selected[name] for name, step in self.steps().items() if step.batch)
            ),
        )
        return selected

    def test_search_and_selection_agree_on_varied_orders(self):
        Order = self.env["sale.order"]
        to_invoice = self.paid_order()
        unpaid = self.order()
        unpaid.action_confirm()
        # As soon as possible (core's default shipping policy): the delivery is
        # "ready" with half of it reserved.
        self.stock(self.stocked, 1)
        partly = self.paid_order(self.stocked, qty=2.0)
        self.assertEqual(partly.picking_ids.move_type, "direct")
        self.assertEqual(partly.picking_ids.state, "assigned")
        self.assertEqual(partly.picking_ids.move_ids.state, "partially_available")
        # Pick then ship: the ship is ready once the pick is done, but it is not
        # a one-step delivery.
        two_steps = self.env["stock.warehouse"].create(
            {"name": "Gudang Dua", "code": "GD2", "delivery_steps": "pick_ship"}
        )
        self.stock(self.stocked, 5, two_steps)
        pick_ship = self.paid_order(self.stocked, warehouse_id=two_steps.id)
        pick = pick_ship.picking_ids.filtered(
            lambda p: p.picking_type_code == "internal"
        )
        pick.move_ids.picked = True
        self.assertIs(pick.button_validate(), True)
        ship = pick_ship.picking_ids - pick
        self.assertEqual(ship.state, "assigned")
        # Invoiced and paid, then a credit note: invoiceable again, left alone.
        refunded = self.paid_order()
        set_policy(self.env, auto_invoice=True)
        refunded.action_fulfil()
        invoice = self.customer_invoices(refunded)
        self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"journal_id": invoice.journal_id.id, "reason": "Rusak"}
        ).refund_moves()
        refunded.invoice_ids.filtered(lambda m: m.state == "draft").action_post()
        self.assertEqual(refunded.invoice_status, "to invoice")
        # Two invoices (ordered, then delivered quantities) and all settled.
        set_policy(self.env, auto_invoice=True, on_delivery=True)
        several = self.order(self.product | self.product_on_delivery)
        pay(several)
        several.picking_ids.move_ids.picked = True
        self.assertIs(several.picking_ids.button_validate(), True)
        self.assertEqual(len(self.customer_invoices(several)), 2)
        # Half paid and invoiced by a person, the rest paid while another
        # worker held the order: a payment to reconcile.
        self.env.company.prepayment_percent = 0.5
        half = self.order(require_payment=True, prepayment_percent=0.5)
        pay(half, amount=half.amount_total / 2)
        half._create_invoices().action_post()
        pay(half, amount=half.amount_total / 2, post_process=False)
        # Would be invoiced, but waits for a person.
        stopped = self.paid_order()
        stopped._fulfilment_set_exception(ValueError("checked by hand"))
        # Invoiced, its one-step delivery fully reserved: only to deliver.
        ready = self.paid_order()
        set_policy(self.env, auto_invoice=True)
        ready.action_fulfil()
        self.assertEqual(ready.fulfilment_state, "invoiced")
        orders = (
            (to_invoice | unpaid | partly | pick_ship | refunded | several | half)
            | stopped
            | ready
        )
        set_policy(self.env, auto_invoice=True, send=True, validate=True)

        selected = self.assert_search_and_selection_agree(orders)
        self.assertEqual(selected["invoice"], to_invoice | partly | pick_ship)
        self.assertEqual(selected["reconcile"], half)
        self.assertEqual(selected["deliver"], to_invoice | refunded | half | ready)
        self.assertEqual(selected["send"], refunded | several | half | ready)
        self.assertFalse(selected["ship"], "no carrier booking through an API")

        Order._cron_fulfil_orders()
        self.assertFalse((orders - stopped).filtered("fulfilment_exception"))
        self.assertEqual(partly.fulfilment_state, "invoiced")
        self.assertEqual(partly.picking_ids.state, "assigned", "waits for the rest")
        self.assertEqual(ship.state, "assigned", "a multi-step delivery is a person's")
        self.assertEqual(ready.fulfilment_state, "delivered")
        self.assertIn(half.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(
            self.customer_invoices(refunded), invoice, "not invoiced again"
        )
        self.assertEqual(stopped.fulfilment_state, "exception")
        self.assertFalse(stopped.invoice_ids)
        # Nothing the batch can still do: search and selection agree it is empty.
        selected = self.assert_search_and_selection_agree(orders)
        self.assertFalse(
            selected["invoice"]
            | selected["reconcile"]
            | selected["deliver"]
            | selected["ship"]
        )

    def test_partly_reserved_delivery_waits_then_goes(self):
        self.stock(self.stocked, 1)
        order = self.paid_order(self.stocked, qty=2.0)
        set_policy(self.env, auto_invoice=True, validate=True)
        Order = self.env["sale.order"]
        Order._cron_fulfil_orders()
        self.assertFalse(order.fulfilment_exception)
        self.assertEqual(order.fulfilment_state, "invoiced")
        self.assertNotIn(order, Order.search(Order._get_fulfilment_todo_domain()))
        # The rest comes in and is reserved: the next run validates it all,
        # without a backorder.
        self.stock(self.stocked, 1)
        order.picking_ids.action_assign()
        self.assertIn(order, Order.search(Order._get_fulfilment_todo_domain()))
        Order._cron_fulfil_orders()
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.picking_ids.move_ids.quantity, 2.0)
        self.assertEqual(order.fulfilment_state, "delivered")

    def test_engine_validating_a_delivery_does_not_reenter(self):
        """The engine validates the delivery and invoices the delivered
        quantities itself: stock.picking._action_done does not start another
        run inside it. A person validating still starts one."""
        Order = type(self.env["sale.order"])
        original = Order._fulfilment_run
        triggers = []

        def spy(orders, trigger):
            triggers.append(trigger)
            return original(orders, trigger)

        set_policy(self.env, auto_invoice=False, on_delivery=True)
        order = self.order(self.product_on_delivery)
        pay(order)
        self.assertFalse(order.invoice_ids)
        set_policy(self.env, auto_invoice=False, on_delivery=True, validate=True)
        with patch.object(Order, "_fulfilment_run", spy):
            self.env["sale.order"]._cron_fulfil_orders()
        self.assertEqual(triggers, ["batch"])
        self.assertEqual(order.picking_ids.state, "done")
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1, "delivered quantities invoiced once")
        self.assertEqual(invoice.payment_state, invoice._get_invoice_in_payment_state())

        set_policy(self.env, auto_invoice=False, on_delivery=True)
        other = self.order(self.product_on_delivery)
        pay(other)
        triggers.clear()
        with patch.object(Order, "_fulfilment_run", spy):
            other.picking_ids.move_ids.picked = True
            self.assertIs(other.picking_ids.button_validate(), True)
        self.assertEqual(triggers, ["delivery"])
        self.assertEqual(len(self.customer_invoices(other)), 1)


@tagged("post_install", "-at_install")
class TestOnePredicate(FulfilmentCase):
    """Whether the automation may act on an order is one stored field,
    fulfilment_may_automate: every trigger, the batch's search and Fulfil go
    through it; triggers are named, a bare word of another meaning is refused."""

    def test_predicate_follows_payment_exception_and_cancel(self):
        set_policy(self.env, auto_invoice=False)
        order = self.order()
        self.assertFalse(order.fulfilment_may_automate)
        Order = self.env["sale.order"]
        todo = [("fulfilment_may_automate", "=", True), ("id", "=", order.id)]
        pay(order)
        self.assertTrue(order.fulfilment_may_automate)
        self.assertEqual(Order.search(todo), order)
        order._fulfilment_set_exception(ValueError("a person looks at it"))
        self.assertFalse(order.fulfilment_may_automate)
        self.assertFalse(Order.search(todo))
        # no trigger runs a step on it, whatever its settings
        set_policy(self.env, auto_invoice=True)
        for trigger in ("payment", "delivery", "carrier_event", "batch"):
            self.assertFalse(order._fulfilment_run(trigger))
        self.assertFalse(order.invoice_ids)
        # Fulfil: the person takes the exception back, the steps run
        order.action_fulfil()
        self.assertTrue(order.fulfilment_may_automate)
        self.assertEqual(order.invoice_ids.state, "posted")
        order._action_cancel()
        self.assertFalse(order.fulfilment_may_automate)

    def test_unknown_trigger_refused(self):
        order = self.order()
        pay(order)
        for call in (
            lambda: order._fulfilment_run("delivered"),
            lambda: order._fulfil_steps("payment_done"),
        ):
            with self.assertRaises(ValueError):
                call()
