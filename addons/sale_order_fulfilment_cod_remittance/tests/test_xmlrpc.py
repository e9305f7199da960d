"""Payouts imported and bank lines matched over XML-RPC, as a billing user."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CodRemittanceCase, csv_file


@tagged("post_install", "-at_install")
class TestXmlRpc(CodRemittanceCase, HttpCase):
    def test_import_and_match_over_xmlrpc(self):
        new_test_user(
            self.env,
            login="wati_cod_rpc",
            password="wati_cod_rpc_pw",
            groups="account.group_account_invoice",
        )
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "wati_cod_rpc", "wati_cod_rpc_pw", {}
        )
        first, second = (
            self.delivered_cod_order(100000),
            self.delivered_cod_order(80000),
        )

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                uid,
                "wati_cod_rpc_pw",
                model,
                method,
                list(args),
                kwargs,
            )

        self.statement_line(96000.0, "WD-RPC-1")
        content = csv_file([("WD-RPC-1", first.name, 100000, 4000, 0, "2026-11-20")])
        result = call(
            "cod.remittance",
            "import_file",
            content,
            filename="payout.csv",
            journal_id=self.bank_journal.id,
        )
        self.assertEqual(len(result["reconciled"]), 1)
        self.assertEqual(result["waiting"], [])
        self.assertEqual(result["issues"], [])
        again = call("cod.remittance", "import_file", content, filename="payout.csv")
        self.assertEqual((again["payouts"], again["duplicates"]), ([], 1))
        st_line = self.statement_line(80000.0, "a payout")
        st_line.payment_ref = f"AGGREGATOR {second.name}"
        matched = call("account.bank.statement.line", "action_cod_match", [st_line.id])
        self.assertEqual(list(matched), [str(st_line.id)])
        self.env.invalidate_all()
        self.assertEqual((first + second).mapped("cod_state"), ["remitted"] * 2)
