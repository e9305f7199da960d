"""Remittance files in the generic CSV (or Excel), imported by a billing
user, all or nothing, once. A provider's own export: its bridge module."""

# Biteship's export: delivery_biteship_cod_remittance

import base64
import io

import openpyxl
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CodRemittanceCase, csv_file


@tagged("post_install", "-at_install")
class TestRemittanceFile(CodRemittanceCase):
    def import_as_billing(self, content, **kwargs):
        return (
            self.env["cod.remittance"]
            .with_user(self.billing)
            .import_file(content, filename="payout.csv", **kwargs)
        )

    def counts(self):
        return (
            self.env["cod.remittance"].search_count([]),
            self.env["account.move.line"].search_count([]),
            self.env["account.partial.reconcile"].search_count([]),
            self.env["mail.activity"].search_count([]),
        )

    def test_full_payout_matched_with_the_bank_line(self):
        first, second = (
            self.delivered_cod_order(100000),
            self.delivered_cod_order(250000),
        )
        ref = self.reference()
        # The bank line was entered before the file arrived (accountant).
        st_line = self.statement_line(323500.0, f"TRF AGGREGATOR {ref}")
        self.assertFalse(st_line.is_reconciled)
        result = self.import_as_billing(
            csv_file(
                [
                    (ref, first.name, 100000, 4000, 0, "2026-11-20"),
                    (ref, second.name, 250000, 10000, 12500, "2026-11-20"),
                ]
            ),
            journal_id=self.bank_journal.id,
        )
        payout = self.env["cod.remittance"].browse(result["payouts"])
        self.assertEqual(result["reconciled"], payout.ids)
        self.assertEqual(result["issues"], [])
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(payout.partner_id, self.aggregator)
        self.assertEqual(payout.amount_net, 323500.0)
        self.assertEqual(payout.statement_line_id, st_line)
        self.assertTrue(st_line.is_reconciled)
        self.assertTrue(self.cod_line(first).reconciled)
        self.assertTrue(self.cod_line(second).reconciled)
        self.assertEqual(first.cod_state, "remitted")
        self.assertEqual(second.cod_state, "remitted")
        # fees booked as expenses on the configured accounts
        lines = st_line.move_id.line_ids
        self.assertEqual(
            sum(
                lines.filtered(lambda l: l.account_id == self.fee_account).mapped(
                    "balance"
                )
            ),
            14000.0,
        )
        self.assertEqual(
            sum(
                lines.filtered(lambda l: l.account_id == self.shipping_account).mapped(
                    "balance"
                )
            ),
            12500.0,
        )
        self.assertEqual(
            sum(
                lines.filtered(lambda l: l.account_id == self.cod_account).mapped(
                    "balance"
                )
            ),
            -350000.0,
        )
        # the billing user sees the payout and its lines
        self.env.invalidate_all()
        self.assertEqual(
            payout.with_user(self.billing).line_ids.mapped("state"), ["remitted"] * 2
        )

    def test_same_payout_twice_changes_nothing(self):
        order = self.delivered_cod_order(100000)
        ref = self.reference()
        content = csv_file([(ref, order.name, 100000, 4000, 0, "2026-11-20")])
        self.statement_line(96000.0, ref)
        first = self.import_as_billing(content, journal_id=self.bank_journal.id)
        self.assertEqual(len(first["reconciled"]), 1)
        before = self.counts()
        again = self.import_as_billing(content, journal_id=self.bank_journal.id)
        self.assertEqual(again["payouts"], [])
        self.assertEqual(again["duplicates"], 1)
        self.assertEqual(self.counts(), before)
        self.assertEqual(order.cod_state, "remitted")
        # the same payout with another order added is refused, not merged
        other = self.delivered_cod_order(50000)
        before = self.counts()
        with self.assertRaisesRegex(UserError, f"payout {ref} was already imported"):
            self.import_as_billing(
                csv_file(
                    [
                        (ref, order.name, 100000, 4000, 0, "2026-11-20"),
                        (ref, other.name, 50000, 2000, 0, "2026-11-20"),
                    ]
                )
            )
        self.assertEqual(self.counts(), before)

    def test_partial_payout_flags_the_order_then_the_rest_remits_it(self):
        order = self.delivered_cod_order(100000)
        ref = self.reference()
        self.statement_line(56000.0, ref)
        result = self.import_as_billing(
            csv_file([(ref, order.name, 60000, 4000, 0, "2026-11-20")]),
            journal_id=self.bank_journal.id,
        )
        self.assertEqual(
            result["issues"],
            [
                {
                    "order": order.name,
                    "state": "short",
                    "amount": 60000.0,
                    "outstanding": 40000.0,
                }
            ],
        )
        self.assertEqual(order.cod_state, "collected")
        self.assertEqual(order.cod_remittance_issue, "short")
        self.assertEqual(self.cod_line(order).amount_residual, 40000.0)
        short_type = self.env.ref(
            "sale_order_fulfilment_cod_remittance.mail_activity_type_cod_short"
        )
        activity = order.activity_ids.filtered(
            lambda a: a.activity_type_id == short_type
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("40,000", activity.note)
        # the carrier pays the rest in its next payout
        ref2 = self.reference()
        self.statement_line(40000.0, ref2)
        self.import_as_billing(
            csv_file([(ref2, order.name, 40000, 0, 0, "2026-11-27")]),
            journal_id=self.bank_journal.id,
        )
        self.assertEqual(order.cod_state, "remitted")
        self.assertFalse(order.cod_remittance_issue)
        self.assertFalse(
            order.activity_ids.filtered(lambda a: a.activity_type_id == short_type)
        )

    def test_short_order_keeps_its_shortfall_in_a_mixed_payout(self):
        # the short order's receivable is the oldest: reconciled in date
        # order against one credit, the shortfall would land on another
        short = self.delivered_cod_order(100000)
        full = self.delivered_cod_order(200000) | self.delivered_cod_order(300000)
        ref = self.reference()
        st_line = self.statement_line(570000.0, ref)
        self.import_as_billing(
            csv_file(
                [
                    (ref, short.name, 70000, 0, 0, "2026-11-20"),
                    (ref, full[0].name, 200000, 0, 0, "2026-11-20"),
                    (ref, full[1].name, 300000, 0, 0, "2026-11-20"),
                ]
            ),
            journal_id=self.bank_journal.id,
        )
        self.assertEqual(full.mapped("cod_state"), ["remitted", "remitted"])
        self.assertEqual(short.cod_state, "collected")
        self.assertEqual(self.cod_line(short).amount_residual, 30000.0)
        # one credit for the orders remitted in full, one for the short order
        credits = st_line.move_id.line_ids.filtered(
            lambda l: l.account_id == self.cod_account
        )
        self.assertEqual(
            sorted(credits.mapped("balance")), [-500000.0, -70000.0], credits
        )
        self.assertTrue(all(credits.mapped("reconciled")))
        self.assertEqual(
            credits.filtered(lambda l: l.balance == -70000.0).name, short.name
        )

    def test_order_listed_without_cash_is_missing(self):
        paid, unpaid = self.delivered_cod_order(100000), self.delivered_cod_order(80000)
        ref = self.reference()
        self.statement_line(100000.0, ref)
        result = self.import_as_billing(
            csv_file(
                [
                    (ref, paid.name, 100000, 0, 0, "2026-11-20"),
                    (ref, unpaid.name, 0, 0, 0, "2026-11-20"),
                ]
            ),
            journal_id=self.bank_journal.id,
        )
        self.assertEqual(result["issues"][0]["state"], "missing")
        self.assertEqual(unpaid.cod_remittance_issue, "missing")
        self.assertEqual(unpaid.cod_state, "collected")
        self.assertEqual(paid.cod_state, "remitted")
        self.assertIn("without paying its cash", unpaid.message_ids[0].body)

    def test_unknown_order_nothing_written(self):
        order = self.delivered_cod_order(100000)
        ref = self.reference()
        st_line = self.statement_line(196000.0, ref)
        before = self.counts()
        with self.assertRaises(UserError) as caught:
            self.import_as_billing(
                csv_file(
                    [
                        (ref, order.name, 100000, 4000, 0, "2026-11-20"),
                        (ref, "S99999", 100000, 0, 0, "2026-11-20"),
                    ]
                ),
                journal_id=self.bank_journal.id,
            )
        message = str(caught.exception)
        self.assertIn("Nothing was imported", message)
        self.assertIn("line 3: no cash-on-delivery order", message)
        self.assertIn("S99999", message)
        self.assertEqual(self.counts(), before)
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(order.cod_state, "collected")

    def test_more_than_collected_nothing_written(self):
        order = self.delivered_cod_order(100000)
        not_delivered = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "carrier_id": self.carrier.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        not_delivered.write({"is_cod": True, "cod_state": "to_collect"})
        not_delivered.action_confirm()
        ref = self.reference()
        before = self.counts()
        with self.assertRaises(UserError) as caught:
            self.import_as_billing(
                csv_file(
                    [
                        (ref, order.name, 60000, 0, 0, "2026-11-20"),
                        # the same order again: 60,000 + 50,000 > 100,000
                        (ref, order.name, 50000, 0, 0, "2026-11-20"),
                        (ref, not_delivered.name, 10000, 0, 0, "2026-11-20"),
                    ]
                )
            )
        message = str(caught.exception)
        self.assertIn(f"{order.name}: payout {ref} remits", message)
        self.assertIn("more than the", message)
        self.assertIn(f"{not_delivered.name}: payout {ref} remits", message)
        self.assertIn("nothing of it was collected", message)
        self.assertEqual(self.counts(), before)

    def test_unreadable_rows_are_named(self):
        order = self.delivered_cod_order(100000)
        with self.assertRaisesRegex(UserError, "line 2: 'abc' is not an amount"):
            self.import_as_billing(
                csv_file([("R1", order.name, "abc", 0, 0, "2026-11-20")])
            )
        with self.assertRaisesRegex(UserError, "no amount column"):
            self.import_as_billing(
                csv_file([("R1", order.name)], header="reference,order id")
            )

    def test_excel_file_and_new_bank_line_need_bank_rights(self):
        order = self.delivered_cod_order(100000)
        book = openpyxl.Workbook()
        book.active.append(
            ["Reference", "Order ID", "Amount", "COD Fee", "Shipping Fee", "Paid Date"]
        )
        book.active.append(["X-1", order.name, 100000, 3000, 0, "2026-11-21"])
        buffer = io.BytesIO()
        book.save(buffer)
        content = base64.b64encode(buffer.getvalue()).decode()
        # Billing users may not create bank statement lines (core's rights).
        with self.assertRaises(AccessError):
            self.env["cod.remittance"].with_user(self.billing).import_file(
                content,
                filename="payout.xlsx",
                journal_id=self.bank_journal.id,
                create_statement_line=True,
            )
        # An accountant has the payout's bank line created.
        result = self.env["cod.remittance"].import_file(
            content,
            filename="payout.xlsx",
            journal_id=self.bank_journal.id,
            create_statement_line=True,
        )
        payout = self.env["cod.remittance"].browse(result["payouts"])
        self.assertEqual(payout.statement_line_id.amount, 97000.0)
        self.assertEqual(str(payout.statement_line_id.date), "2026-11-21")
        self.assertEqual(order.cod_state, "remitted")

    def test_file_without_bank_line_waits_for_it(self):
        order = self.delivered_cod_order(100000)
        ref = self.reference()
        result = self.import_as_billing(
            csv_file([(ref, order.name, 100000, 4000, 0, "2026-11-20")])
        )
        payout = self.env["cod.remittance"].browse(result["payouts"])
        self.assertEqual(result["waiting"], payout.ids)
        self.assertEqual(payout.state, "waiting")
        self.assertEqual(order.cod_state, "collected")
        # The bank line arrives (entered or imported): matched at once.
        st_line = self.statement_line(96000.0, f"AGGREGATOR {ref.lower()}")
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(payout.statement_line_id, st_line)
        self.assertEqual(order.cod_state, "remitted")
