"""Bank statement lines of COD payouts matched without a remittance file:
Community has no reconciliation widget, so the line is matched against the
open COD receivables of the orders its label names."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CodRemittanceCase, csv_file


@tagged("post_install", "-at_install")
class TestStatementMatching(CodRemittanceCase):
    def test_label_naming_orders_is_matched_on_entry(self):
        first = self.delivered_cod_order(100000, fee=4000)
        second = self.delivered_cod_order(50000, fee=2000)
        # collected 104,000 + 52,000; the aggregator keeps its COD fees
        st_line = self.statement_line(
            150000.0, f"AGGREGATOR COD {first.name}, {second.name}"
        )
        payout = st_line.cod_remittance_ids
        self.assertEqual(len(payout), 1)
        self.assertEqual(payout.source, "statement")
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(payout.partner_id, self.aggregator)
        self.assertEqual(payout.cod_fee, 6000.0)
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual((first + second).mapped("cod_state"), ["remitted"] * 2)
        fees = st_line.move_id.line_ids.filtered(
            lambda l: l.account_id == self.fee_account
        )
        self.assertEqual(fees.balance, 6000.0)

    def test_label_amount_not_matching_is_left_and_explained(self):
        order = self.delivered_cod_order(100000, fee=4000)
        st_line = self.statement_line(90000.0, f"AGGREGATOR COD {order.name}")
        self.assertFalse(st_line.cod_remittance_ids)
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(order.cod_state, "collected")
        with self.assertRaisesRegex(UserError, "import the payout's remittance file"):
            st_line.action_cod_match()
        other = self.statement_line(90000.0, "Transfer from a customer")
        with self.assertRaisesRegex(UserError, "names no COD payout"):
            other.action_cod_match()
        self.assertFalse(self.env["cod.remittance"].search([]))

    def test_waiting_payout_matched_by_remitter_and_amount(self):
        order = self.delivered_cod_order(100000)
        self.env["cod.remittance"].import_file(
            csv_file([("WD-1", order.name, 100000, 3000, 0, "2026-11-20")])
        )
        # The bank's label does not carry the payout's reference.
        st_line = self.statement_line(
            97000.0, "TRANSFER IN", partner_id=self.aggregator.id
        )
        self.assertEqual(st_line.cod_remittance_ids.name, "WD-1")
        self.assertEqual(order.cod_state, "remitted")

    def test_undoing_the_reconciliation_reopens_the_order(self):
        order = self.delivered_cod_order(100000)
        st_line = self.statement_line(100000.0, f"COD {order.name}")
        payout = st_line.cod_remittance_ids
        self.assertEqual(order.cod_state, "remitted")
        st_line.action_undo_reconciliation()
        self.assertEqual(order.cod_state, "collected")
        self.assertFalse(self.cod_line(order).reconciled)
        # a payout read from the label goes with the reconciliation
        self.assertFalse(payout.exists())
        # matched again on demand
        result = st_line.action_cod_match()
        self.assertEqual(result, {str(st_line.id): st_line.cod_remittance_ids.id})
        self.assertEqual(order.cod_state, "remitted")

    def test_undoing_a_file_payout_puts_it_back_waiting(self):
        order = self.delivered_cod_order(100000)
        self.env["cod.remittance"].import_file(
            csv_file([("WD-2", order.name, 100000, 0, 0, "2026-11-20")])
        )
        st_line = self.statement_line(100000.0, "WD-2")
        payout = st_line.cod_remittance_ids
        self.assertEqual(payout.state, "reconciled")
        st_line.action_undo_reconciliation()
        self.assertEqual(payout.state, "waiting")
        self.assertFalse(payout.statement_line_id)
        self.assertEqual(order.cod_state, "collected")

    def test_billing_user_matches_a_bank_line(self):
        order = self.delivered_cod_order(100000)
        st_line = self.statement_line(
            100000.0, "incoming", partner_id=self.aggregator.id
        )
        self.assertFalse(st_line.is_reconciled)
        st_line.payment_ref = f"incoming {order.name}"
        result = st_line.with_user(self.billing).action_cod_match()
        payout = self.env["cod.remittance"].browse(result[str(st_line.id)])
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(order.cod_state, "remitted")
