import xmlrpc.client

from odoo import fields
from odoo.addons.sale_order_fulfilment.tests.common import (
    create_order,
    create_product,
    pay,
)
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestReturnRequest(ReturnCase):
    def test_quantity_rule_in_one_place(self):
        order = self.delivered_order(qty=2.0)
        line = self.goods_line(order)
        self.assertEqual(line._get_returnable_qty(), 2.0)
        first = self.return_of(self.ask(order, qty=1.0))
        self.assertEqual(first.state, "requested")
        self.assertEqual(first.origin, "customer")
        self.assertTrue(first.name.startswith("RET/"))
        self.assertEqual(line._get_returnable_qty(), 1.0)
        # a second request for the same quantities
        with self.assertRaisesRegex(UserError, "At most 1.0 of"):
            self.ask(order, qty=2.0)
        self.ask(order, qty=1.0)
        self.assertEqual(line._get_returnable_qty(), 0.0)
        with self.assertRaisesRegex(UserError, "cannot be returned"):
            self.ask(order, qty=1.0)
        # a refused request gives its quantities back
        first.with_user(self.own).action_refuse("Bukan dari toko kami")
        self.assertEqual(line._get_returnable_qty(), 1.0)
        # the delivery fee is no goods
        fee = order.order_line.filtered("is_delivery")
        self.assertEqual(fee._get_returnable_qty(), 0.0)
        self.assertEqual(len(order.return_ids), 2)

    def test_bad_input_writes_nothing(self):
        order = self.delivered_order(qty=1.0)
        other = self.delivered_order(qty=1.0, partner=self.other_partner)
        forged = self.goods_line(other)
        cases = [
            ([], "at least one product"),
            (
                [
                    {
                        "sale_line_id": forged.id,
                        "quantity": 1,
                        "reason_id": self.damaged.id,
                    }
                ],
                "is not a line of order",
            ),
            (
                [
                    {
                        "sale_line_id": self.goods_line(order).id,
                        "quantity": 5,
                        "reason_id": self.damaged.id,
                    }
                ],
                "At most 1.0",
            ),
            (
                [
                    {
                        "sale_line_id": self.goods_line(order).id,
                        "quantity": -1,
                        "reason_id": self.damaged.id,
                    }
                ],
                "must be positive",
            ),
            (
                [{"sale_line_id": self.goods_line(order).id, "quantity": 1}],
                "Choose a return reason",
            ),
            ([{"sale_line_id": "x", "quantity": 1}], "malformed"),
        ]
        for lines, message in cases:
            with self.subTest(message), self.assertRaisesRegex(UserError, message):
                order.with_user(self.portal).request_return(lines)
        self.assertFalse(self.env["sale.return"].search([("order_id", "=", order.id)]))

    def test_window_and_undelivered(self):
        order = self.delivered_order(qty=1.0)
        self.age_delivery(order, 15)
        with self.assertRaisesRegex(UserError, "outside its return window"):
            self.ask(order)
        self.age_delivery(order, 13)
        self.ask(order)
        # not delivered: no window, nothing returnable
        undelivered = create_order(
            self.env, self.partner, self.product, user_id=self.own.id
        )
        undelivered.action_confirm()
        pay(undelivered)
        self.assertEqual(self.goods_line(undelivered)._get_returnable_qty(), 0.0)
        with self.assertRaisesRegex(UserError, "outside its return window"):
            self.ask(undelivered)

    def test_portal_only_own_orders_and_json_safe_status(self):
        order = self.delivered_order(qty=1.0)
        with self.assertRaises(AccessError):
            self.ask(order, user=self.other_portal)
        status = self.ask(order, note="Retak di sudut", photo_data="aGVsbG8=")
        # XML-RPC marshals it (no None)
        xmlrpc.client.dumps((status,), allow_none=False)
        self.assertEqual(status["state"], "requested")
        self.assertEqual(status["lines"][0]["quantity"], 1.0)
        ret = self.return_of(status)
        self.assertEqual(ret.note, "Retak di sudut")
        self.assertEqual(ret.photo_id.raw, b"hello")
        # the customer reads their return, not another's
        self.assertEqual(
            ret.with_user(self.portal).get_return_status()[0]["id"], ret.id
        )
        with self.assertRaises(AccessError):
            ret.with_user(self.other_portal).get_return_status()
        # a customer does not approve
        with self.assertRaises(AccessError):
            ret.with_user(self.portal).action_approve()

    def test_auto_approve_per_reason_and_amount(self):
        self.website.return_auto_approve_amount = 150.0
        order = self.delivered_order(qty=2.0)
        # changed mind never auto-approves
        self.assertEqual(self.ask(order)["state"], "requested")
        status = self.ask(order, reason=self.damaged)
        self.assertEqual(status["state"], "approved")
        self.assertTrue(status["return_pickings"])
        self.website.return_auto_approve_amount = 50.0
        order2 = self.delivered_order(qty=1.0)
        self.assertEqual(self.ask(order2, reason=self.damaged)["state"], "requested")


@tagged("post_install", "-at_install")
class TestReturnApproval(ReturnCase):
    def test_approve_makes_return_picking_with_carrier(self):
        order = self.delivered_order(qty=2.0)
        ret = self.return_of(self.ask(order, qty=1.0))
        # another salesperson's own-documents user sees nothing of it
        other_own = self.env["res.users"].create(
            {
                "name": "Other own",
                "login": "ret_other_own",
                "groups_id": [
                    (6, 0, self.env.ref("sales_team.group_sale_salesman").ids)
                ],
            }
        )
        with self.assertRaises(AccessError):
            ret.with_user(other_own).action_approve()
        # nor reads its lines (products, quantities)
        with self.assertRaises(AccessError):
            ret.line_ids.with_user(other_own).read(["quantity"])
        self.assertEqual(
            ret.line_ids.with_user(self.own).read(["quantity"])[0]["quantity"], 1.0
        )
        # warehouse and billing do not approve
        for user in (self.warehouse, self.billing):
            with self.subTest(user.login), self.assertRaises(AccessError):
                ret.with_user(user).action_approve()
        self.assertIs(ret.with_user(self.own).action_approve(), True)
        self.assertEqual(ret.state, "approved")
        picking = ret.return_picking_id
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.carrier_id, self.carrier)
        self.assertEqual(picking.carrier_price, 0.0)
        self.assertEqual(picking.return_id, self.delivery(order))
        self.assertEqual(picking.move_ids.product_uom_qty, 1.0)
        self.assertEqual(picking.move_ids.sale_line_id, self.goods_line(order))
        self.assertIn(
            "is approved", ret.message_ids.filtered("subject")[:1].subject or ""
        )
        # idempotent: a second click makes nothing new
        ret.with_user(self.all_docs).action_approve()
        self.assertEqual(len(ret.return_picking_ids), 1)
        # the goods asked for still count until they come back
        self.assertEqual(self.goods_line(order)._get_returnable_qty(), 1.0)
        # the order shows its returns (the form as the salesperson)
        form = Form(order.with_user(self.own))
        self.assertEqual(form.return_count, 1)
        self.assertEqual(
            order.with_user(self.own).return_ids.mapped("state"), ["approved"]
        )
        action = order.with_user(self.own).action_view_returns()
        self.assertEqual(self.env["sale.return"].search(action["domain"]), ret)

    def test_core_return_wizard_keeps_carrier_only_with_return_labels(self):
        """Outside this flow, stock_delivery's reset stays for carriers
        without return labels (core's tests rely on it); a carrier making
        return labels keeps its returns."""
        order = self.delivered_order(qty=1.0)
        delivery = self.delivery(order)
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({"picking_id": delivery.id})
        )
        wizard.product_return_moves.quantity = 1.0
        picking = wizard._create_return()
        expected = self.carrier if self.carrier.can_generate_return else False
        self.assertEqual(picking.carrier_id or False, expected)
        self.assertEqual(picking.carrier_price, 0.0)

    def test_reapproval_rechecks_quantities(self):
        order = self.delivered_order(qty=1.0)
        ret = self.return_of(self.ask(order))
        # the warehouse took the parcel back outside the flow meanwhile
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=self.delivery(order).id, active_model="stock.picking"
            )
            .create({"picking_id": self.delivery(order).id})
        )
        wizard.product_return_moves.quantity = 1.0
        manual = wizard._create_return()
        manual.move_ids.write({"quantity": 1.0, "picked": True})
        manual.button_validate()
        with self.assertRaisesRegex(UserError, "cannot be returned"):
            ret.with_user(self.own).action_approve()
        self.assertEqual(ret.state, "requested")
        self.assertFalse(ret.return_picking_ids)

    def test_refuse_tells_why(self):
        order = self.delivered_order(qty=1.0)
        ret = self.return_of(self.ask(order))
        with self.assertRaisesRegex(UserError, "Say why"):
            ret.with_user(self.own).action_refuse("  ")
        with self.assertRaises(AccessError):
            ret.with_user(self.portal).action_refuse("no")
        wizard = (
            self.env["sale.return.refuse"]
            .with_user(self.own)
            .create({"return_id": ret.id, "reason": "Segel sudah dibuka"})
        )
        wizard.action_refuse()
        self.assertEqual(ret.state, "refused")
        mail = ret.message_ids.filtered(lambda m: "refused" in (m.subject or ""))
        self.assertIn("Segel sudah dibuka", mail.body)
        with self.assertRaisesRegex(UserError, "only a requested return"):
            ret.with_user(self.own).action_approve()


@tagged("post_install", "-at_install")
class TestReturnRefund(ReturnCase):
    def test_online_refund_at_receipt_once(self):
        order = self.delivered_order(qty=2.0)
        progress = order.fulfilment_state
        ret = self.return_of(self.ask(order, qty=1.0))
        ret.with_user(self.own).action_approve()
        self.assertEqual(ret.refund_state, "none")
        self.receive(ret)
        self.assertEqual(ret.state, "refunded")
        self.assertTrue(ret.received_date)
        credit_note = ret.refund_move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.amount_total, 100.0)
        self.assertEqual(
            credit_note.invoice_line_ids.sale_line_ids, self.goods_line(order)
        )
        [refund_tx] = ret.refund_transaction_ids
        self.assertEqual(refund_tx.operation, "refund")
        self.assertEqual(refund_tx.state, "done")
        self.assertEqual(refund_tx.amount, -100.0)
        # asked to the provider; its payment comes with the post-processing
        self.assertEqual(ret.refund_state, "provider")
        refund_tx._post_process()
        self.assertEqual(credit_note.payment_state, "paid")
        self.assertEqual(ret.refund_state, "done")
        # the shop's agreed pay-back is no exception of the order
        self.assertFalse(order.fulfilment_exception)
        self.assertEqual(order.fulfilment_state, progress)
        self.assertEqual(self.goods_line(order).qty_delivered, 1.0)
        self.assertEqual(self.goods_line(order)._get_returnable_qty(), 1.0)
        # never twice: billing clicks Refund, the receipt is replayed
        ret.with_user(self.billing).action_refund()
        ret.sudo()._on_return_picking_done()
        self.assertEqual(len(ret.refund_transaction_ids), 1)
        self.assertEqual(
            len(order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")), 1
        )

    def test_refund_at_approval_with_shipping(self):
        self.website.write(
            {"return_refund_on": "approval", "return_refund_shipping": "full"}
        )
        order = self.delivered_order(qty=1.0)
        ret = self.return_of(self.ask(order, qty=1.0))
        ret.with_user(self.all_docs).action_approve()
        self.assertEqual(ret.state, "refunded")
        # goods and the delivery fee: the whole order came back
        self.assertEqual(ret.refund_move_id.amount_total, 120.0)
        ret.refund_transaction_ids._post_process()
        self.assertEqual(ret.refund_state, "done")
        self.assertEqual(ret.refund_transaction_ids.amount, -120.0)
        # the parcel arrives later: received, refunded once
        self.receive(ret)
        self.assertTrue(ret.received_date)
        self.assertEqual(ret.state, "refunded")
        self.assertEqual(len(ret.refund_transaction_ids), 1)

    def test_no_provider_refund_goes_to_billing(self):
        """Paid by bank transfer (no online payment): one activity for the
        billing person with the amount and the customer's bank account."""
        self.website.return_refund_user_id = self.billing
        self.env["res.partner.bank"].create(
            {"partner_id": self.partner.id, "acc_number": "1234567890"}
        )
        order = create_order(self.env, self.partner, self.product, user_id=self.own.id)
        order.set_delivery_line(self.carrier, 20.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        picking = self.delivery(order)
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        picking.button_validate()
        ret = self.return_of(self.ask(order))
        ret.with_user(self.own).action_approve()
        # only billing refunds by hand
        for user in (self.own, self.warehouse, self.portal):
            with self.subTest(user.login), self.assertRaises(AccessError):
                ret.with_user(user).action_refund()
        ret.with_user(self.billing).action_refund()
        self.assertEqual(ret.state, "refunded")
        self.assertEqual(ret.refund_state, "manual")
        self.assertFalse(ret.refund_transaction_ids)
        [activity] = ret.refund_move_id.activity_ids
        self.assertEqual(activity.user_id, self.billing)
        self.assertIn("1234567890", activity.note)
        self.assertIn("100", activity.note)
        # the receipt does not refund again
        self.receive(ret)
        self.assertEqual(len(ret.refund_move_id.activity_ids), 1)
        # billing pays it back: refunded
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=ret.refund_move_id.ids
        ).create({})._create_payments()
        self.assertEqual(ret.refund_state, "done")

    def test_unpaid_invoice_is_credited_not_paid_back(self):
        """An open invoice (nothing collected yet): the credit note settles
        it, nothing to pay back."""
        order = create_order(self.env, self.partner, self.product, user_id=self.own.id)
        order.action_confirm()
        order._create_invoices().action_post()
        picking = self.delivery(order)
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        picking.button_validate()
        ret = self.return_of(self.ask(order))
        ret.with_user(self.own).action_approve()
        self.receive(ret)
        self.assertEqual(ret.refund_state, "done")
        self.assertEqual(
            order.invoice_ids.filtered(
                lambda m: m.move_type == "out_invoice"
            ).payment_state,
            "reversed",
        )
        self.assertFalse(ret.refund_move_id.activity_ids)

    def test_failed_refund_leaves_receipt_and_activity(self):
        """No invoice to credit: the receipt stays, a person gets it."""
        order = create_order(self.env, self.partner, self.product, user_id=self.own.id)
        order.action_confirm()
        picking = self.delivery(order)
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        picking.button_validate()
        ret = self.return_of(self.ask(order))
        ret.with_user(self.own).action_approve()
        self.receive(ret)
        self.assertEqual(ret.state, "received")
        self.assertFalse(ret.refund_move_id)
        activity = ret.activity_ids.filtered(
            lambda a: a.activity_type_id.name == "Return Refund"
        )
        self.assertIn("no posted invoice", activity.note)


@tagged("post_install", "-at_install")
class TestReturnReport(ReturnCase):
    def test_return_rate_per_product_and_courier(self):
        order = self.delivered_order(qty=2.0)
        self.delivered_order(qty=2.0)
        ret = self.return_of(self.ask(order, qty=1.0, reason=self.damaged))
        ret.with_user(self.own).action_approve()
        self.env.flush_all()
        Report = self.env["sale.return.report"]
        [row] = Report._read_group(
            [("product_id", "=", self.product.id)],
            ["carrier_id"],
            ["qty_delivered:sum", "qty_returned:sum", "parcels_delivered:sum"],
        )
        self.assertEqual(row[0], self.carrier)
        self.assertEqual(row[1:], (4.0, 1.0, 2))
        [(reason, origin, returned)] = Report._read_group(
            [("product_id", "=", self.product.id), ("qty_returned", ">", 0)],
            ["reason_id", "origin"],
            ["qty_returned:sum"],
        )
        self.assertEqual((reason, origin, returned), (self.damaged, "customer", 1.0))

    def test_rates_are_ratios_of_the_groups_sums(self):
        """Return and return-to-sender rates per group: 100 × returned /
        delivered of the group, not the average of its orders' rates."""
        customer = self.delivered_order(qty=2.0)
        ret = self.return_of(self.ask(customer, qty=1.0, reason=self.damaged))
        ret.with_user(self.own).action_approve()
        rts = self.delivered_order(qty=2.0)
        picking = self.delivery(rts)
        picking.carrier_tracking_ref = f"KT{rts.id:06d}"
        picking.sudo()._tracking_apply_events(
            [
                {
                    "event_time": fields.Datetime.now(),
                    "shipment_state": "returned",
                    "status_code": "returned",
                    "description": "",
                }
            ]
        )
        self.assertEqual(picking.rts_return_id.line_ids.quantity, 2.0)
        kept = self.delivered_order(qty=6.0)
        self.env.flush_all()
        Report = self.env["sale.return.report"]
        domain = [("product_id", "=", self.product.id)]
        measures = ["qty_delivered:sum", "qty_returned:sum", "return_rate:avg"]
        measures.append("rts_rate:avg")
        # the product: 3 of 10 back (the average of the orders' rates: 50 %),
        # 2 of 10 by the carrier
        [(product, *figures)] = Report._read_group(domain, ["product_id"], measures)
        self.assertEqual(product, self.product)
        self.assertEqual(figures, [10.0, 3.0, 30.0, 20.0])
        per_order = {
            order: tuple(figures)
            for order, *figures in Report._read_group(
                domain, ["order_id"], ["return_rate:sum", "rts_rate:max"]
            )
        }
        self.assertEqual(
            per_order, {customer: (50.0, 0.0), rts: (100.0, 100.0), kept: (0.0, 0.0)}
        )
        # a reason's rate: its returns over all that was delivered
        rows = Report._read_group(
            domain + [("reason_id", "=", self.damaged.id)],
            [],
            ["qty_delivered:sum", "qty_returned:sum", "return_rate:avg"],
        )
        self.assertEqual(rows, [(10.0, 1.0, 10.0)])
        per_origin = dict(Report._read_group(domain, ["origin"], ["return_rate:avg"]))
        self.assertEqual(per_origin, {False: 0.0, "customer": 10.0, "carrier": 20.0})
        # as the pivot asks it (web_read_group), totals included
        [group] = Report.web_read_group(
            domain, ["return_rate:avg", "rts_rate:avg"], ["product_id"]
        )["groups"]
        self.assertEqual((group["return_rate"], group["rts_rate"]), (30.0, 20.0))

    def test_rates_per_reason_and_origin(self):
        """Grouped by reason or origin alone, or under products (the pivot's
        cells): the returns of the group over the delivered quantity of the
        same goods, never empty for want of delivered rows of their own."""
        other = create_product(self.env, name="Batik Scarf")
        shirts = self.delivered_order(qty=4.0)
        scarves = self.delivered_order(qty=10.0, product=other)
        for order, qty in ((shirts, 1.0), (scarves, 2.0)):
            ret = self.return_of(self.ask(order, qty=qty, reason=self.damaged))
            ret.with_user(self.own).action_approve()
        # no flush: reading the view flushes what it depends on (_depends)
        # as the sales manager who has the report's menu
        manager = new_test_user(
            self.env, login="ret_manager", groups="sales_team.group_sale_manager"
        )
        Report = self.env["sale.return.report"].with_user(manager)
        domain = [("product_id", "in", (self.product | other).ids)]
        # 3 damaged of 14 delivered
        per_reason = dict(
            Report._read_group(domain, ["reason_id"], ["return_rate:avg"])
        )
        self.assertAlmostEqual(per_reason[self.damaged], 300 / 14)
        cells = {
            (product, origin): rate
            for product, origin, rate in Report._read_group(
                domain, ["product_id", "origin"], ["return_rate:avg"]
            )
        }
        self.assertEqual(
            cells,
            {
                (self.product, False): 0.0,
                (self.product, "customer"): 25.0,
                (other, False): 0.0,
                (other, "customer"): 20.0,
            },
        )
        # the pivot's request, a reason filter and the origin in columns
        groups = Report.web_read_group(
            domain + [("reason_id", "=", self.damaged.id)],
            ["qty_delivered:sum", "return_rate:avg"],
            ["product_id", "origin"],
            lazy=False,
        )["groups"]
        rates = {
            (group["product_id"][0], group["origin"]): (
                group["qty_delivered"],
                group["return_rate"],
            )
            for group in groups
        }
        self.assertEqual(rates[self.product.id, "customer"], (0.0, 25.0))
        self.assertEqual(rates[other.id, "customer"], (0.0, 20.0))
