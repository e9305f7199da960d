"""A payout is known by its lines, not by its file's name: the same
remittance saved again under another name, or typed as a bank line, never
claims an order twice. Bad bytes are refused with the line they are on."""

import base64
import time

from odoo.addons.delivery_carrier_tracking.tests.common import race
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import Form, tagged

from .common import CodRemittanceCase, csv_file

NO_REFERENCE = "order id,amount,cod fee,shipping fee,paid date"


@tagged("post_install", "-at_install")
class TestPayoutIdentity(CodRemittanceCase):
    def counts(self):
        return (
            self.env["cod.remittance"].search_count([]),
            self.env["cod.remittance.line"].search_count([]),
            self.env["account.move.line"].search_count([]),
            self.env["account.partial.reconcile"].search_count([]),
            self.env["mail.activity"].search_count([]),
        )

    def import_with_wizard(self, content, filename):
        """As a billing user in the form, the file without references: the
        payout is named after the file."""
        with Form(self.env["cod.remittance.import"].with_user(self.billing)) as form:
            form.file = content
        wizard = form.record
        wizard.filename = filename
        return wizard.action_import()

    def test_renamed_payout_refused_nothing_written(self):
        """The browser saves the same export as "cod-balance (1).csv" while
        the first payout waits for its bank line."""
        first, second = (
            self.delivered_cod_order(100000),
            self.delivered_cod_order(80000),
        )
        content = csv_file(
            [
                (first.name, 100000, 4000, 0, "2026-11-20"),
                (second.name, 80000, 3200, 0, "2026-11-20"),
            ],
            header=NO_REFERENCE,
        )
        action = self.import_with_wizard(content, "cod-balance.csv")
        payout = self.env["cod.remittance"].browse(action["res_id"])
        self.assertEqual((payout.name, payout.state), ("cod-balance", "waiting"))
        self.assertTrue(payout.fingerprint)
        before = self.counts()
        with self.assertRaises(UserError) as caught:
            self.import_with_wizard(content, "cod-balance (1).csv")
        message = str(caught.exception)
        self.assertIn("Nothing was imported from cod-balance (1).csv", message)
        self.assertIn(
            "payout cod-balance (1) has the same lines (orders, amounts, dates) as "
            "payout cod-balance, imported from cod-balance.csv",
            message,
        )
        self.assertEqual(self.counts(), before)
        # a reference typed in the import is no way around it
        with self.assertRaisesRegex(UserError, "as payout cod-balance"):
            self.env["cod.remittance"].import_file(
                content, filename="export.csv", reference="WD-NEW"
            )
        self.assertEqual(self.counts(), before)
        # the same file again changes nothing, as before
        again = self.import_with_wizard(content, "cod-balance.csv")
        self.assertEqual(again["tag"], "display_notification")
        self.assertEqual(self.counts(), before)
        # the bank line settles the one payout
        self.statement_line(172800.0, "TRANSFER IN", partner_id=self.aggregator.id)
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual((first + second).mapped("cod_state"), ["remitted"] * 2)

    def test_next_payout_in_a_file_of_the_same_name(self):
        """A provider's dashboard may name every export alike: a new payout
        in a file of an old name is a new payout, named apart."""
        # Biteship's dashboard does
        first, second = (
            self.delivered_cod_order(100000),
            self.delivered_cod_order(80000),
        )
        row = [(first.name, 100000, 0, 0, "2026-11-20")]
        self.import_with_wizard(csv_file(row, NO_REFERENCE), "cod-balance.csv")
        row = [(second.name, 80000, 0, 0, "2026-11-27")]
        action = self.import_with_wizard(csv_file(row, NO_REFERENCE), "cod-balance.csv")
        payout = self.env["cod.remittance"].browse(action["res_id"])
        self.assertEqual(payout.name, "cod-balance-2")
        self.assertEqual(payout.line_ids.sale_order_id, second)

    def test_other_payout_cannot_claim_an_order_of_a_waiting_payout(self):
        order = self.delivered_cod_order(100000)
        self.env["cod.remittance"].import_file(
            csv_file([("WD-1", order.name, 100000, 4000, 0, "2026-11-20")])
        )
        before = self.counts()
        # other lines (another date and fee), the same order's cash
        with self.assertRaises(UserError) as caught:
            self.env["cod.remittance"].import_file(
                csv_file([("WD-2", order.name, 100000, 0, 0, "2026-11-21")])
            )
        self.assertIn(
            f"{order.name}: payout WD-2 remits 100,000.00, but payout WD-1, waiting "
            "for its bank line, already claims 100,000.00",
            str(caught.exception).replace("\xa0", " ").replace("$ ", ""),
        )
        self.assertEqual(self.counts(), before)

    def test_same_payout_typed_as_a_bank_line(self):
        """A bank line naming the orders of a payout waiting for the bank (no
        reference, no partner) is that payout's line; one that pays the
        orders' cash once more is left alone, and says why."""
        order = self.delivered_cod_order(100000, fee=4000)
        self.env["cod.remittance"].import_file(
            csv_file([("WD-3", order.name, 104000, 4000, 0, "2026-11-20")])
        )
        payout = self.env["cod.remittance"].search([("name", "=", "WD-3")])
        other = self.statement_line(104000.0, f"COD {order.name}")
        self.assertFalse(other.is_reconciled)
        self.assertEqual(payout.state, "waiting")
        with self.assertRaisesRegex(UserError, "whose cash payout WD-3 already claims"):
            other.action_cod_match()
        self.assertEqual(self.env["cod.remittance"].search_count([]), 1)
        st_line = self.statement_line(100000.0, f"COD {order.name}")
        self.assertEqual(st_line.cod_remittance_ids, payout)
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(order.cod_state, "remitted")

    def test_nul_file_refused_nothing_written(self):
        order = self.delivered_cod_order(100000)
        before = self.counts()
        content = (
            "reference,order id,amount,cod fee,shipping fee,paid date\n"
            f"WD-4,{order.name},100000,0,0,2026-11-20\n"
            f"WD-4,{order.name}\x00,1,0,0,2026-11-20\n"
        ).encode()
        with self.assertRaises(UserError) as caught:
            self.env["cod.remittance"].with_user(self.billing).import_file(
                base64.b64encode(content).decode(), filename="payout.csv"
            )
        self.assertIn(
            "payout.csv cannot be imported: line 3 holds a NUL byte",
            str(caught.exception),
        )
        self.assertEqual(self.counts(), before)
        latin = "reference,order id,amount\nWD-4,Café,1\n".encode("latin-1")
        with self.assertRaisesRegex(
            UserError, "payout.csv cannot be imported: line 2: byte 0xE9 is not UTF-8"
        ):
            self.env["cod.remittance"].import_file(
                base64.b64encode(latin).decode(), filename="payout.csv"
            )
        self.assertEqual(self.counts(), before)
        self.assertEqual(order.cod_state, "collected")


@tagged("post_install", "-at_install")
class TestConcurrentClaims(CodRemittanceCase):
    def committed(self, func):
        """func(env) in a transaction of its own, committed: the racing
        transactions never see the test's."""
        with db_connect(self.env.cr.dbname).cursor() as cr:
            return func(self.env(cr=cr))

    def test_two_payouts_claiming_one_order_at_once_serialize(self):
        """Two imports planning a claim on the same order in two real
        transactions (each read the order before either claims it): one
        claims, the other fails to serialize (Odoo retries it, and it then
        plans with the first one's claim) instead of both claiming the same
        cash from stale snapshots."""
        partner_id, order_id = self.committed(
            lambda env: (
                (partner := env["res.partner"].create({"name": "Race Buyer"})).id,
                env["sale.order"].create({"partner_id": partner.id}).id,
            )
        )
        self.addCleanup(
            self.committed,
            lambda env: (
                env["sale.order"].browse(order_id).unlink(),
                env["res.partner"].browse(partner_id).unlink(),
            ),
        )

        def plan_a_claim(env):
            order = env["sale.order"].browse(order_id)
            order.read(["name"])  # the transaction's snapshot, as an import has
            time.sleep(0.3)
            env["cod.remittance"]._cod_claim_orders(order)

        outcomes = race(self.env.cr.dbname, plan_a_claim)
        self.assertEqual(sorted(outcomes), ["SerializationFailure", "ok"])
