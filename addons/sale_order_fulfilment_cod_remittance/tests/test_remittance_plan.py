"""The payout planner on its own: plain unittest, no database (pytest runs it;
Odoo's runner skips classes without test tags)."""

import unittest
from datetime import date

from odoo.addons.sale_order_fulfilment_cod_remittance.remittance_plan import (
    Claim,
    ExistingPayout,
    Money,
    OrderBalance,
    Row,
    fingerprint,
    group_file,
    pick_waiting_payout,
    plan_file,
    plan_label,
)

IDR = Money(1.0)
DAY = date(2026, 11, 20)


def balance(order_id, collected=100000.0, claims=(), remitter=7, **kwargs):
    """An order collected in full; `open` defaults to what reconciled
    payouts leave."""
    reconciled = sum(claim.amount for claim in claims if not claim.waiting)
    return OrderBalance(
        order_id,
        f"S{order_id:05d}",
        collected=collected,
        open=kwargs.pop("open", collected - reconciled),
        remitter_id=remitter,
        cod_state=kwargs.pop("cod_state", "collected"),
        claims=tuple(claims),
    )


def plan(rows, balances, existing=(), reference="", filename="", name_hint=""):
    found = {b.name: b.order_id for b in balances}
    payouts, problems = group_file(rows, found, IDR, reference, name_hint)
    return plan_file(
        payouts,
        problems,
        {b.order_id: b for b in balances},
        existing,
        IDR,
        filename=filename,
    )


def codes(result):
    return [problem.code for problem in result.problems]


class TestFingerprint(unittest.TestCase):
    def test_order_of_lines_and_rounding_do_not_matter(self):
        first = fingerprint([(1, 100000.0, DAY), (2, 50000.0, None)], IDR)
        again = fingerprint([(2, 50000.4, None), (1, 100000, DAY)], IDR)
        self.assertEqual(first, again)

    def test_order_amount_and_date_all_count(self):
        base = fingerprint([(1, 100000.0, DAY)], IDR)
        self.assertNotEqual(base, fingerprint([(2, 100000.0, DAY)], IDR))
        self.assertNotEqual(base, fingerprint([(1, 99000.0, DAY)], IDR))
        self.assertNotEqual(base, fingerprint([(1, 100000.0, date(2026, 11, 21))], IDR))


class TestPlanFile(unittest.TestCase):
    def test_full_short_missing(self):
        balances = [balance(1), balance(2), balance(3)]
        rows = [
            Row(2, ("S00001",), 100000.0, 4000.0, 0.0, None, DAY, "WD-1"),
            Row(3, ("S00002",), 60000.0, 0.0, 0.0, None, DAY, "WD-1"),
            Row(4, ("S00003",), 0.0, reference="WD-1"),
        ]
        result = plan(rows, balances)
        self.assertEqual(result.problems, [])
        (payout,) = result.payouts
        self.assertEqual(payout.remitter_id, 7)
        self.assertEqual(payout.net, 156000.0)
        self.assertEqual(
            [(line.state, line.to_remit) for line in payout.lines],
            [("remitted", 100000.0), ("short", 100000.0), ("missing", 100000.0)],
        )

    def test_rows_of_one_order_are_added_up_and_checked_together(self):
        rows = [
            Row(2, ("S00001",), 60000.0, reference="WD-1"),
            Row(3, ("S00001",), 50000.0, reference="WD-1"),
        ]
        result = plan(rows, [balance(1)])
        self.assertEqual(codes(result), ["too_large"])
        self.assertEqual(result.problems[0].params["amount"], 110000.0)

    def test_row_problems(self):
        rows = [
            Row(2, ("S99999",), 1000.0, reference="WD-1"),
            Row(3, ("S00001",), -5.0, reference="WD-1"),
            Row(4, ("S00001",), 1000.0, 100.0, 0.0, 800.0, reference="WD-1"),
            Row(5, ("S00001",), 1000.0),
        ]
        result = plan(rows, [balance(1)])
        self.assertEqual(
            [(problem.code, problem.line) for problem in result.problems],
            [
                ("unknown_order", 2),
                ("negative", 3),
                ("net_mismatch", 4),
                ("no_reference", 5),
            ],
        )

    def test_same_payout_again_is_a_duplicate(self):
        rows = [Row(2, ("S00001",), 100000.0, paid_date=DAY, reference="WD-1")]
        first = plan(rows, [balance(1)])
        existing = [
            ExistingPayout("WD-1", frozenset({1}), first.payouts[0].fingerprint)
        ]
        claimed = [balance(1, claims=[Claim("WD-1", 100000.0, True)])]
        again = plan(rows, claimed, existing)
        self.assertEqual((again.payouts, again.duplicates, again.problems), ([], 1, []))

    def test_same_lines_under_another_name_are_refused(self):
        """A browser saves the same export as "cod-balance (1).csv": the
        payout is named after the file, its lines are the same."""
        rows = [Row(2, ("S00001",), 100000.0, paid_date=DAY)]
        first = plan(rows, [balance(1)], filename="cod-balance.csv", name_hint="x")
        existing = [
            ExistingPayout(
                "cod-balance",
                frozenset({1}),
                first.payouts[0].fingerprint,
                "cod-balance.csv",
            )
        ]
        claimed = [balance(1, claims=[Claim("cod-balance", 100000.0, True)])]
        same_file = plan(
            rows,
            claimed,
            existing,
            filename="cod-balance.csv",
            name_hint="cod-balance",
        )
        self.assertEqual((same_file.duplicates, same_file.problems), (1, []))
        renamed = plan(
            rows,
            claimed,
            existing,
            filename="cod-balance (1).csv",
            name_hint="cod-balance (1)",
        )
        self.assertEqual(codes(renamed), ["same_content"])
        self.assertEqual(
            renamed.problems[0].params,
            {
                "payout": "cod-balance (1)",
                "existing": "cod-balance",
                "filename": "cod-balance.csv",
            },
        )
        # a typed reference is no way around it either
        typed = plan(rows, claimed, existing, reference="WD-NEW")
        self.assertEqual(codes(typed), ["same_content"])

    def test_new_payout_in_a_file_of_an_old_name_gets_a_new_name(self):
        rows = [Row(2, ("S00002",), 100000.0, paid_date=DAY)]
        existing = [ExistingPayout("cod-balance", frozenset({1}), "f1", "a.csv")]
        found = {"S00002": 2}
        payouts, problems = group_file(rows, found, IDR, name_hint="cod-balance")
        result = plan_file(
            payouts,
            problems,
            {2: balance(2)},
            existing,
            IDR,
            filename="cod-balance.csv",
            taken_names=["cod-balance", "cod-balance-2"],
        )
        self.assertEqual(result.problems, [])
        self.assertEqual(result.payouts[0].name, "cod-balance-3")

    def test_reference_reused_with_other_lines_is_refused(self):
        rows = [Row(2, ("S00002",), 100000.0, reference="WD-1")]
        existing = [ExistingPayout("WD-1", frozenset({1}), "other")]
        self.assertEqual(
            codes(plan(rows, [balance(2)], existing)), ["already_imported"]
        )

    def test_waiting_payout_claims_count_against_a_new_payout(self):
        """The order's cash is still open in the books (its payout waits for
        the bank line), yet already claimed: no second claim."""
        claimed = balance(1, claims=[Claim("WD-1", 100000.0, True)])
        self.assertEqual(claimed.to_remit(IDR), 0.0)
        rows = [Row(2, ("S00001",), 100000.0, reference="WD-2")]
        result = plan(rows, [claimed])
        self.assertEqual(codes(result), ["claimed"])
        self.assertEqual(result.problems[0].params["claimed_by"], "WD-1")
        # the rest of a short payout stays claimable
        short = balance(1, claims=[Claim("WD-1", 60000.0, True)])
        rows = [Row(2, ("S00001",), 40000.0, reference="WD-2")]
        self.assertEqual(plan(rows, [short]).problems, [])

    def test_never_more_than_collected_across_payouts(self):
        """Reconciled payouts count too, even when the books were reopened
        by something else."""
        reconciled = balance(1, open=100000.0, claims=[Claim("WD-1", 70000.0, False)])
        self.assertEqual(reconciled.to_remit(IDR), 30000.0)
        rows = [Row(2, ("S00001",), 50000.0, reference="WD-2")]
        self.assertEqual(codes(plan(rows, [reconciled])), ["too_large"])

    def test_not_collected(self):
        rows = [Row(2, ("S00001",), 10000.0, reference="WD-1")]
        pending = balance(1, collected=0.0, cod_state="to_collect")
        result = plan(rows, [pending])
        self.assertEqual(codes(result), ["not_collected"])

    def test_one_remitter_per_payout(self):
        rows = [
            Row(2, ("S00001",), 100000.0, reference="WD-1"),
            Row(3, ("S00002",), 100000.0, reference="WD-1"),
        ]
        result = plan(rows, [balance(1, remitter=7), balance(2, remitter=8)])
        self.assertEqual(codes(result), ["several_remitters"])
        self.assertEqual(result.problems[0].params["partner_ids"], [7, 8])

    def test_same_content_twice_in_one_file(self):
        rows = [
            Row(2, ("S00001",), 50000.0, paid_date=DAY, reference="WD-1"),
            Row(3, ("S00001",), 50000.0, paid_date=DAY, reference="WD-2"),
        ]
        self.assertEqual(codes(plan(rows, [balance(1)])), ["same_content"])


class TestPlanLabel(unittest.TestCase):
    def test_orders_for_their_cash_minus_the_cod_fee(self):
        payout, problem = plan_label(
            [balance(1, 104000.0), balance(2, 52000.0)],
            {1: 4000.0, 2: 2000.0},
            150000.0,
            DAY,
            "BNK1/2026/00001",
            IDR,
        )
        self.assertIsNone(problem)
        self.assertEqual(payout.net, 150000.0)
        self.assertEqual([line.cod_fee for line in payout.lines], [4000.0, 2000.0])
        self.assertTrue(payout.fingerprint)

    def test_amount_not_matching(self):
        payout, problem = plan_label([balance(1)], {}, 90000.0, DAY, "B1", IDR)
        self.assertIsNone(payout)
        self.assertEqual(problem.code, "label_amount")

    def test_order_claimed_by_a_waiting_payout(self):
        claimed = balance(1, claims=[Claim("cod-balance", 100000.0, True)])
        payout, problem = plan_label([claimed], {}, 100000.0, DAY, "B1", IDR)
        self.assertIsNone(payout)
        self.assertEqual(
            (problem.code, problem.params["claimed_by"]),
            ("label_claimed", "cod-balance"),
        )

    def test_the_waiting_payout_of_exactly_those_orders(self):
        candidates = [
            (10, frozenset({1, 2}), 150000.0),
            (11, frozenset({1}), 96000.0),
        ]
        self.assertEqual(pick_waiting_payout([1, 2], 150000.0, candidates, IDR), 10)
        self.assertIsNone(pick_waiting_payout([1, 2], 140000.0, candidates, IDR))
        self.assertIsNone(pick_waiting_payout([2], 150000.0, candidates, IDR))
