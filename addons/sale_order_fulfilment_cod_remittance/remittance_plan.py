"""Planning a COD payout: which order each line settles, for how much, and
what is wrong with it. Plain Python, no Odoo and no database: the model
gathers the facts (the orders the keys name, what each order collected and
what payouts already claim of it, the payouts already imported), this module
decides, the model books.

Two rules hold whatever the way a payout comes in (a file under any name, a
bank statement line):

* a payout is known by its content, its lines (order, amount, date), never by
  a file name: `fingerprint`;
* no order is remitted more than its courier collected, counting every
  payout, those still waiting for their bank line included:
  `OrderBalance.to_remit`.

Problems are codes with their values (`Problem`); the model words and
translates them.
"""

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Problem:
    """Something that keeps a file or a bank line from being imported."""

    code: str
    line: int | None = None
    params: dict = field(default_factory=dict)


@dataclass
class Row:
    """One line of a remittance file, read (see remittance_file)."""

    line: int
    keys: tuple[str, ...]
    amount: float
    cod_fee: float = 0.0
    shipping_fee: float = 0.0
    net: float | None = None
    paid_date: date | None = None
    reference: str = ""


class Money:
    """Comparisons at a currency's rounding (Odoo's compare_amounts)."""

    def __init__(self, rounding=0.01):
        self.rounding = rounding
        self.digits = max(0, -math.floor(math.log10(rounding)))

    def round(self, amount):
        return round(round(amount / self.rounding) * self.rounding, self.digits)

    def compare(self, first, second):
        delta = self.round(first - second)
        return (delta > 0) - (delta < 0)

    def is_zero(self, amount):
        return not self.compare(amount, 0.0)


@dataclass(frozen=True)
class Claim:
    """What one payout says of one order."""

    payout: str
    amount: float
    waiting: bool  # not reconciled yet: the books do not show it


@dataclass
class OrderBalance:
    """A cash-on-delivery order's cash as the books and the payouts see it."""

    order_id: int
    name: str
    collected: float = 0.0  # debits of its COD receivable (collection entries)
    open: float = 0.0  # their residual: not reconciled by anything yet
    remitter_id: int | None = None  # partner of the COD receivable
    cod_state: str = ""
    claims: tuple[Claim, ...] = ()

    def waiting_claims(self):
        return [claim for claim in self.claims if claim.waiting]

    def to_remit(self, money):
        """Cash still to remit: what the books leave open minus what payouts
        waiting for their bank line already claim, and never more than the
        collected cash minus every payout's claim."""
        waiting = sum(claim.amount for claim in self.waiting_claims())
        claimed = sum(claim.amount for claim in self.claims)
        return max(money.round(min(self.open - waiting, self.collected - claimed)), 0.0)


@dataclass
class PlannedLine:
    order_id: int
    key: str  # how the payout named the order
    amount: float
    cod_fee: float = 0.0
    shipping_fee: float = 0.0
    paid_date: date | None = None
    to_remit: float = 0.0
    state: str = ""
    rows: list = field(default_factory=list)  # the file's line numbers


@dataclass
class PlannedPayout:
    name: str
    lines: list
    remitter_id: int | None = None
    fingerprint: str = ""
    named: bool = True  # by a reference (an identity), else after its file

    @property
    def date(self):
        return max(filter(None, (line.paid_date for line in self.lines)), default=None)

    @property
    def net(self):
        return sum(
            line.amount - line.cod_fee - line.shipping_fee for line in self.lines
        )


@dataclass(frozen=True)
class ExistingPayout:
    """A payout already imported, as far as planning needs it."""

    name: str
    order_ids: frozenset
    fingerprint: str = ""
    filename: str = ""


@dataclass
class Plan:
    payouts: list = field(default_factory=list)
    duplicates: int = 0  # lines of payouts already imported, skipped
    problems: list = field(default_factory=list)


def line_state(amount, to_remit, money):
    """missing: listed without cash; short: less than the cash to remit."""
    if money.is_zero(amount):
        return "missing"
    if money.compare(amount, to_remit) < 0:
        return "short"
    return "remitted"


def fingerprint(lines, money):
    """The identity of a payout: its lines (order, amount, date) sorted, the
    amounts at the currency's rounding. The same payout saved under another
    name, or read in another column order, has the same one.

    :param lines: iterable of (order id, amount, paid date or None)
    """
    canonical = sorted(
        f"{order_id}|{money.round(amount):.{money.digits}f}|{paid_date or ''}"
        for order_id, amount, paid_date in lines
    )
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()


def _payout_fingerprint(payout, money):
    return fingerprint(
        ((line.order_id, line.amount, line.paid_date) for line in payout.lines), money
    )


def group_file(rows, found, money, reference="", name_hint=""):
    """First step of planning a file: its rows grouped by payout and order,
    each payout with its fingerprint (the caller then looks up the payouts
    already imported by name and fingerprint, and `plan_file` decides).

    :param rows: the file's rows (`Row`)
    :param found: {key: order id} of the keys naming a cash-on-delivery order
    :param reference: payout reference of rows that carry none
    :param name_hint: name of payouts without any reference (the file's
        name): not an identity, made unique when already taken
    :return: ([PlannedPayout], [Problem])
    """
    groups, named, problems = {}, {}, []
    for row in rows:
        key = next((key for key in row.keys if key in found), None)
        if key is None:
            problems.append(
                Problem("unknown_order", row.line, {"keys": " / ".join(row.keys)})
            )
            continue
        name = row.reference or reference
        if not (name or name_hint):
            problems.append(Problem("no_reference", row.line))
            continue
        if min(row.amount, row.cod_fee, row.shipping_fee) < 0:
            problems.append(Problem("negative", row.line))
            continue
        expected = row.amount - row.cod_fee - row.shipping_fee
        if row.net is not None and money.compare(row.net, expected):
            problems.append(
                Problem(
                    "net_mismatch", row.line, {"net": row.net, "expected": expected}
                )
            )
            continue
        named[name or name_hint] = bool(name)
        by_order = groups.setdefault(name or name_hint, {})
        same = by_order.get(found[key])
        if same:
            # the same order twice in one payout: one settlement line
            same.amount += row.amount
            same.cod_fee += row.cod_fee
            same.shipping_fee += row.shipping_fee
            same.paid_date = max(
                filter(None, [same.paid_date, row.paid_date]), default=None
            )
            same.rows.append(row.line)
        else:
            by_order[found[key]] = PlannedLine(
                found[key],
                key,
                row.amount,
                row.cod_fee,
                row.shipping_fee,
                row.paid_date,
                rows=[row.line],
            )
    payouts = []
    for name, by_order in groups.items():
        payout = PlannedPayout(name, list(by_order.values()), named=named[name])
        payout.fingerprint = _payout_fingerprint(payout, money)
        payouts.append(payout)
    return payouts, problems


def _free_name(name, taken):
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"


def too_large_problem(balance, payout, amount, to_remit, money):
    values = {
        "order": balance.name,
        "payout": payout,
        "amount": amount,
        "outstanding": max(to_remit, 0.0),
    }
    waiting = [claim for claim in balance.waiting_claims() if claim.payout != payout]
    if waiting:
        values.update(
            claimed_by=", ".join(claim.payout for claim in waiting),
            claimed=sum(claim.amount for claim in waiting),
        )
        return Problem("claimed", params=values)
    if money.is_zero(balance.open) and balance.cod_state != "remitted":
        return Problem("not_collected", params=dict(values, state=balance.cod_state))
    return Problem("too_large", params=values)


def plan_file(
    payouts, problems, balances, existing, money, filename="", taken_names=()
):
    """Second step: all of the file or nothing.

    :param payouts, problems: what `group_file` returned
    :param balances: {order id: OrderBalance} of the file's orders
    :param existing: the `ExistingPayout`s sharing a name or a fingerprint
        with the file's payouts
    :param filename: the file's name: a payout named after its file is the
        same payout imported again only from the same file name
    :param taken_names: payout names starting with the file's name
    :return: `Plan`; payouts already imported (same content under the same
        reference, or from the same file) are skipped and counted in
        `duplicates`; the same content under another name is a problem
    """
    by_fingerprint = {payout.fingerprint: payout for payout in existing}
    by_name = {payout.name: payout for payout in existing}
    taken = set(taken_names) | set(by_name)
    plan = Plan(problems=list(problems))
    planned = {}  # fingerprint -> name, within this file
    for payout in payouts:
        name = payout.name
        same = by_fingerprint.get(payout.fingerprint)
        legacy = by_name.get(name) if payout.named else None
        orders = {line.order_id for line in payout.lines}
        if legacy and not legacy.fingerprint and legacy.order_ids == orders:
            same = legacy  # imported before payouts had a fingerprint
        if same and (same.name == name if payout.named else same.filename == filename):
            plan.duplicates += len(payout.lines)
            continue
        if same or payout.fingerprint in planned:
            plan.problems.append(
                Problem(
                    "same_content",
                    params={
                        "payout": name,
                        "existing": same.name if same else planned[payout.fingerprint],
                        "filename": same.filename if same else filename,
                    },
                )
            )
            continue
        if payout.named and name in by_name:
            plan.problems.append(Problem("already_imported", params={"payout": name}))
            continue
        if not payout.named and name in taken:
            payout.name = _free_name(name, taken)
        taken.add(payout.name)
        planned[payout.fingerprint] = payout.name
        plan.payouts.append(payout)
    _check_claims(plan, balances, money)
    return plan


def _check_claims(plan, balances, money):
    """What each line may remit, counting the other payouts and the lines of
    this file before it; one remitter per payout."""
    used = {}
    for payout in plan.payouts:
        remitters = set()
        for line in payout.lines:
            balance = balances.get(line.order_id) or OrderBalance(line.order_id, "")
            if balance.remitter_id:
                remitters.add(balance.remitter_id)
            line.to_remit = money.round(
                balance.to_remit(money) - used.get(line.order_id, 0.0)
            )
            used[line.order_id] = used.get(line.order_id, 0.0) + line.amount
            if money.compare(line.amount, line.to_remit) > 0:
                plan.problems.append(
                    too_large_problem(
                        balance, payout.name, line.amount, line.to_remit, money
                    )
                )
            line.state = line_state(line.amount, line.to_remit, money)
        if len(remitters) > 1:
            plan.problems.append(
                Problem(
                    "several_remitters",
                    params={"payout": payout.name, "partner_ids": sorted(remitters)},
                )
            )
        payout.remitter_id = min(remitters, default=None)


def plan_label(balances, fees, amount, paid_date, name, money):
    """A payout read from a bank statement line naming orders: each order
    for its cash still to remit minus its COD fee (what the aggregator
    keeps), coming to the line's amount. Any other deduction needs the file.

    :param balances: `OrderBalance`s of the orders the label names
    :param fees: {order id: its COD fee lines' total}
    :return: (PlannedPayout, None) or (None, Problem)
    """
    lines, expected, remitters = [], 0.0, set()
    for balance in balances:
        to_remit = balance.to_remit(money)
        if money.is_zero(to_remit):
            waiting = balance.waiting_claims()
            if waiting:
                return None, Problem(
                    "label_claimed",
                    params={
                        "order": balance.name,
                        "claimed_by": ", ".join(claim.payout for claim in waiting),
                    },
                )
            return None, Problem("label_nothing_left", params={"order": balance.name})
        fee = min(fees.get(balance.order_id, 0.0), to_remit)
        expected += to_remit - fee
        if balance.remitter_id:
            remitters.add(balance.remitter_id)
        lines.append(
            PlannedLine(
                balance.order_id,
                balance.name,
                to_remit,
                cod_fee=fee,
                paid_date=paid_date,
                to_remit=to_remit,
                state="remitted",
            )
        )
    if money.compare(amount, expected):
        return None, Problem(
            "label_amount",
            params={
                "amount": amount,
                "orders": ", ".join(balance.name for balance in balances),
                "expected": expected,
            },
        )
    if len(remitters) > 1:
        return None, Problem("label_several_remitters")
    payout = PlannedPayout(name, lines, min(remitters, default=None))
    payout.fingerprint = _payout_fingerprint(payout, money)
    return payout, None


def pick_waiting_payout(order_ids, amount, candidates, money):
    """The payout waiting for its bank line that a bank line naming
    `order_ids` and paying `amount` is: the only one of exactly those orders
    and that net amount, else None.

    :param candidates: [(payout id, frozenset of order ids, net amount)]
    """
    matches = [
        payout_id
        for payout_id, payout_orders, net in candidates
        if payout_orders == frozenset(order_ids) and not money.compare(net, amount)
    ]
    return matches[0] if len(matches) == 1 else None
