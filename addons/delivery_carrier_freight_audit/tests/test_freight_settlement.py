from odoo.tests import tagged

from .common import FreightCommon


@tagged("post_install", "-at_install")
class TestFreightPosting(FreightCommon):
    """Policy *Journal entry per delivery*: the final cost accrued once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.expense = Account.create(
            {"name": "Freight Out", "code": "600901", "account_type": "expense"}
        )
        cls.accrual = Account.create(
            {
                "name": "Accrued Freight",
                "code": "210901",
                "account_type": "liability_current",
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.env.company.id)],
            limit=1,
        )
        cls.carrier.product_id.property_account_expense_id = cls.expense
        cls.env.company.write(
            {
                "freight_cost_posting": "journal_entry",
                "freight_journal_id": cls.journal.id,
                "freight_accrual_account_id": cls.accrual.id,
            }
        )
        plan = cls.env["account.analytic.plan"].create({"name": "Channels"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Web shop", "plan_id": plan.id}
        )

    def _posted(self, picking):
        """Expense balance of the delivery's posted entries, per entry."""
        moves = picking.freight_cost_ids.move_id.filtered(lambda m: m.state == "posted")
        return [
            sum(
                m.line_ids.filtered(lambda l: l.account_id == self.expense).mapped(
                    "balance"
                )
            )
            for m in moves
        ]

    def test_booked_cost_then_differences(self):
        order = self._order(quote=12.0)
        order.order_line.filtered("is_delivery").analytic_distribution = {
            str(self.analytic.id): 100
        }
        picking = self._ship(order)
        self.assertEqual(self._posted(picking), [10.0])
        move = picking.freight_cost_ids.move_id
        expense_line = move.line_ids.filtered(lambda l: l.account_id == self.expense)
        self.assertEqual(
            expense_line.analytic_distribution, {str(self.analytic.id): 100}
        )
        self.assertEqual(
            move.line_ids.filtered(lambda l: l.account_id == self.accrual).balance,
            -10.0,
        )
        self.assertEqual(move.journal_id, self.journal)
        self.assertIn(picking.name, move.ref)

        self._report(picking, 25.0)
        self._report(picking, 25.0)  # resent: nothing posted twice
        self.assertEqual(self._posted(picking), [10.0, 15.0])
        # an entry an accountant cancels is posted again with the next change
        second = picking.freight_cost_ids[-1].move_id
        second.button_draft()
        second.button_cancel()
        self._report(picking, 26.0)
        self.assertEqual(self._posted(picking), [10.0, 16.0])
        picking.cancel_shipment()
        self.assertEqual(self._posted(picking), [10.0, 16.0, -26.0])
        self.assertEqual(sum(self._posted(picking)), 0.0)

    def test_analytic_shared_by_the_order_lines(self):
        order = self._order(quote=12.0)
        order.order_line.analytic_distribution = {str(self.analytic.id): 100}
        order.order_line.filtered("is_delivery").analytic_distribution = False
        picking = self._ship(order)
        line = picking.freight_cost_ids.move_id.line_ids.filtered(
            "analytic_distribution"
        )
        self.assertEqual(line.account_id, self.expense)

    def test_missing_account_noted_and_price_kept(self):
        self.carrier.product_id.property_account_expense_id = False
        self.carrier.product_id.categ_id.property_account_expense_categ_id = False
        picking = self._ship(self._order(quote=12.0))
        self.assertEqual(picking.freight_booked, 10.0, "the booking is recorded")
        self.assertFalse(picking.freight_cost_ids.move_id)
        warning = picking.activity_ids.filtered(
            lambda a: a.summary == "Freight cost not settled"
        )
        self.assertEqual(len(warning), 1)
        [note] = self._notes(picking, "not settled")
        self.assertIn("expense account", note)
        self.assertIn(self.carrier.product_id.name, note)
        # fixed: the next change posts the whole cost
        self.carrier.product_id.property_account_expense_id = self.expense
        self._report(picking, 25.0)
        self.assertEqual(self._posted(picking), [25.0])


@tagged("post_install", "-at_install")
class TestFreightRebill(FreightCommon):
    """Delivery methods invoicing the real cost (core's invoice_policy
    'real'): the carrier's corrections reach the order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.invoice_policy = "real"

    def _shipping_lines(self, order):
        return order.order_line.filtered("is_delivery").sorted("id")

    def test_correction_before_and_after_invoicing(self):
        order = self._order(quote=12.0)
        [line] = self._shipping_lines(order)
        self.assertEqual(line.price_unit, 0.0, "core bills the real cost later")
        self.assertEqual(order.freight_quote_amount, 12.0)
        picking = self._ship(order)
        self.assertEqual(picking.freight_quoted, 12.0)
        self.assertEqual((line.price_unit, line.freight_picking_id), (10.0, picking))

        self._report(picking, 25.0)
        self.assertEqual(line.price_unit, 25.0, "not invoiced yet: repriced")
        self.assertEqual(len(self._notes(order, "rebilled")), 1)

        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(line.qty_invoiced, 1.0)
        self._report(picking, 30.0)
        self.assertEqual(len(self._shipping_lines(order)), 1, "invoiced: no new line")
        self.assertEqual(line.price_unit, 25.0)
        self.assertEqual(len(self._notes(order, "not billed")), 1)

        self.env.company.freight_rebill_invoiced = True
        self._report(picking, 32.0)
        follow_up = self._shipping_lines(order)[1:]
        self.assertEqual(follow_up.price_unit, 7.0)
        self.assertEqual(follow_up.freight_picking_id, picking)
        self.assertIn(picking.name, follow_up.name)
        self._report(picking, 33.0)
        self.assertEqual(follow_up.price_unit, 8.0, "the open follow-up repriced")
        self.assertEqual(len(self._shipping_lines(order)), 2)
        # the follow-up is no quote: a later delivery of the order gets none
        self.assertEqual(order._freight_quote(), 12.0)

    def test_locked_order_noted(self):
        order = self._order(quote=12.0)
        picking = self._ship(order)
        order.action_lock()
        self._report(picking, 25.0)
        self.assertEqual(picking.freight_final, 25.0, "the carrier's price kept")
        self.assertEqual(self._shipping_lines(order).price_unit, 10.0)
        self.assertTrue(
            picking.activity_ids.filtered(
                lambda a: a.summary == "Freight cost not settled"
            )
        )
        self.assertEqual(len(self._notes(picking, "is locked")), 1)

    def test_estimated_cost_left_alone(self):
        self.carrier.invoice_policy = "estimated"
        order = self._order(quote=12.0)
        picking = self._ship(order)
        self._report(picking, 25.0)
        self.assertEqual(self._shipping_lines(order).price_unit, 12.0)
        self.assertFalse(self._shipping_lines(order).freight_picking_id)
