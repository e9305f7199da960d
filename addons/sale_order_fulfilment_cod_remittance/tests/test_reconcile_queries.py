"""The hooks on account.partial.reconcile run for every reconciliation of the
database: a plain customer payment must cost the same queries with them as
without them."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import api
from odoo.tests import tagged

from ..models.account_partial_reconcile import AccountPartialReconcile
from .common import CodRemittanceCase


@api.model_create_multi
def _create_without_hook(self, vals_list):
    return super(AccountPartialReconcile, self).create(vals_list)


def _unlink_without_hook(self):
    return super(AccountPartialReconcile, self).unlink()


@contextmanager
def hooks_disabled():
    """The module's overrides reduced to super(): as if it were not there."""
    with (
        patch.object(AccountPartialReconcile, "create", _create_without_hook),
        patch.object(AccountPartialReconcile, "unlink", _unlink_without_hook),
    ):
        yield


@tagged("post_install", "-at_install")
class TestReconcileQueries(CodRemittanceCase):
    def invoice_and_payment(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": self.product.id, "price_unit": 100000.0})
                ],
            }
        )
        invoice.action_post()
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": invoice.amount_total,
                "journal_id": self.bank_journal.id,
            }
        )
        payment.action_post()
        lines = (invoice.line_ids | payment.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(len(lines), 2)
        return invoice, lines

    def count(self, action):
        """Queries of `action` from a cold cache, as in a new request."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        action()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def measure(self):
        invoice, lines = self.invoice_and_payment()
        reconcile = self.count(lines.reconcile)
        self.assertEqual(invoice.payment_state, "paid")
        unreconcile = self.count(lines.remove_move_reconcile)
        self.assertNotEqual(invoice.payment_state, "paid")
        return reconcile, unreconcile

    def test_plain_payment_costs_no_query_more(self):
        self.measure()  # warm-up: the first reconciliation fills caches
        with hooks_disabled():
            without = self.measure()
        with_hooks = self.measure()
        with hooks_disabled():
            without_again = self.measure()
        # measured in a shell: reconcile 59, unreconcile 70 queries both ways
        # (the former hooks: 59 and 71, the unlink read the company)
        self.assertEqual(without, without_again)
        self.assertEqual(with_hooks, without, "with the hooks vs without")

    def test_hooks_still_follow_cod_receivables(self):
        order = self.delivered_cod_order(100000)
        line = self.cod_line(order)
        st_line = self.statement_line(100000.0, f"COD {order.name}")
        self.assertEqual(order.cod_state, "remitted")
        credit = st_line.move_id.line_ids.filtered(
            lambda l: l.account_id == self.cod_account
        )
        (line | credit).remove_move_reconcile()
        self.assertEqual(order.cod_state, "collected")
        (line | credit).reconcile()
        self.assertEqual(order.cod_state, "remitted")
