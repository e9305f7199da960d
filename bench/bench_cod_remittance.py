"""Benchmark: one COD payout covering N delivered cash-on-delivery orders,
reconciled by sale_order_fulfilment_cod_remittance (one remittance file
imported: one bank statement line, one entry, one reconciliation batch) vs.
Odoo's standard way in Community, one order at a time (a bank entry for the
order's cash minus its fee, posted, then reconciled with the order's COD
receivable), measured as production runs: the import commits once, the
standard way after each order (a person working through the payout).

Usage:
    .venv/bin/python bench/bench_cod_remittance.py --db DB --conf CONF \
        [--sizes 100,500,1000]

The database needs sale_order_fulfilment_cod_remittance installed. The
orders are prepared as sale_order_fulfilment_cod leaves them once the courier
reported them delivered: cod_state 'collected' and the contract's collection
entry on the COD journal (credit the customer, debit the carrier's COD
receivable, account.move.cod_sale_order_id set); their invoices and
deliveries, which a payout does not touch, are not made. As it commits, the
bench leaves its data in the database (run it on a copy).
"""

import base64
from itertools import pairwise
from uuid import uuid4

from common import (
    load_registry,
    measure_committed,
    parse_args,
    set_policy,
    superuser_env,
)
from odoo import Command

WARM_UP = 3
PRICE = 150000.0
COD_FEE = 4500.0


def setup(env):
    """Carrier, remitter, accounts and bank journal, committed once."""
    company = env.company
    company._cod_ensure_accounting()
    set_policy(env, False)
    aggregator = env["res.partner"].create({"name": "Bench Biteship"})
    fee_account = env["account.account"].create(
        {
            "name": "Bench COD fees",
            "code": f"6{uuid4().int % 100000:05d}",
            "account_type": "expense",
        }
    )
    company.cod_fee_account_id = fee_account
    carrier = env["delivery.carrier"].create(
        {
            "name": "Bench JNE COD",
            "delivery_type": "fixed",
            "product_id": env["product.product"]
            .create({"name": "Bench courier", "type": "service"})
            .id,
            "cod_allowed": True,
            "cod_partner_id": aggregator.id,
        }
    )
    product = env["product.product"].create(
        {"name": "Bench Batik", "type": "consu", "list_price": PRICE}
    )
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    return {
        "carrier": carrier.id,
        "product": product.id,
        "journal": journal.id,
        "fee_account": fee_account.id,
    }


def delivered_orders(env, ids, count):
    """`count` COD orders, collected: the contract's collection entries."""
    company = env.company
    customer = env["res.partner"].create({"name": f"Bench {uuid4().hex[:6]}"})
    carrier = env["delivery.carrier"].browse(ids["carrier"])
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "carrier_id": carrier.id,
                "order_line": [
                    Command.create({"product_id": ids["product"], "price_unit": PRICE})
                ],
            }
            for __ in range(count)
        ]
    )
    receivable = customer.property_account_receivable_id
    moves = env["account.move"].create(
        [
            {
                "move_type": "entry",
                "journal_id": company.cod_journal_id.id,
                "cod_sale_order_id": order.id,
                "line_ids": [
                    Command.create(
                        {
                            "name": order.name,
                            "account_id": receivable.id,
                            "partner_id": customer.id,
                            "balance": -PRICE,
                        }
                    ),
                    Command.create(
                        {
                            "name": order.name,
                            "account_id": company.cod_receivable_account_id.id,
                            "partner_id": carrier.cod_partner_id.id,
                            "balance": PRICE,
                        }
                    ),
                ],
            }
            for order in orders
        ]
    )
    moves.action_post()
    for order, move in zip(orders, moves, strict=True):
        order.write(
            {
                "is_cod": True,
                "cod_state": "collected",
                "cod_collection_move_id": move.id,
            }
        )
    return orders.ids


def prepare(registry, ids, size):
    with registry.cursor() as cr:
        order_ids = delivered_orders(superuser_env(cr), ids, size)
        cr.commit()
    return order_ids


def import_payout(registry, ids, order_ids):
    """The shop imports the aggregator's remittance file: one payout, its
    bank statement line created, reconciled; committed once."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        reference = f"BENCH-{uuid4().hex[:8]}"
        rows = ["reference,order id,amount,cod fee,shipping fee,paid date"] + [
            f"{reference},{name},{PRICE},{COD_FEE},0,2026-11-20"
            for name in env["sale.order"].browse(order_ids).mapped("name")
        ]
        content = base64.b64encode("\n".join(rows).encode()).decode()
        result = env["cod.remittance"].import_file(
            content,
            filename="bench.csv",
            journal_id=ids["journal"],
            create_statement_line=True,
        )
        assert len(result["reconciled"]) == 1, result
        cr.commit()


def standard_way(registry, ids, order_ids):
    """Odoo Community without the module: per order, a bank entry for its
    cash minus the fee, posted, then its COD receivable line reconciled with
    the order's (Journal Items > Reconcile); committed after each order."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        company = env.company
        journal = env["account.journal"].browse(ids["journal"])
        account = company.cod_receivable_account_id
        for order in env["sale.order"].browse(order_ids):
            collected = order.cod_collection_move_id.line_ids.filtered(
                lambda line, account=account: line.account_id == account
            )
            move = env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "ref": f"COD payout {order.name}",
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": journal.default_account_id.id,
                                "balance": PRICE - COD_FEE,
                            }
                        ),
                        Command.create(
                            {"account_id": ids["fee_account"], "balance": COD_FEE}
                        ),
                        Command.create(
                            {
                                "name": order.name,
                                "account_id": account.id,
                                "partner_id": collected.partner_id.id,
                                "balance": -PRICE,
                            }
                        ),
                    ],
                }
            )
            move.action_post()
            (
                move.line_ids.filtered(
                    lambda line, account=account: line.account_id == account
                )
                + collected
            ).reconcile()
            cr.commit()


def check(registry, order_ids):
    with registry.cursor() as cr:
        orders = superuser_env(cr)["sale.order"].browse(order_ids)
        states = set(orders.mapped("cod_state"))
        assert states == {"remitted"}, states


def main():
    args = parse_args(__doc__, sizes=(str, "100,500,1000"))
    registry = load_registry(args)
    with registry.cursor() as cr:
        ids = setup(superuser_env(cr))
        cr.commit()
    rows = []
    # A warm-up round of each way, not reported (a production server has its
    # caches filled; the first round would pay for filling them).
    sizes = [WARM_UP] + [int(size) for size in args.sizes.split(",")]
    for index, size in enumerate(sizes):
        ours_ids = prepare(registry, ids, size)
        ours_s, ours_q = measure_committed(
            lambda order_ids=ours_ids: import_payout(registry, ids, order_ids)
        )
        std_ids = prepare(registry, ids, size)
        std_s, std_q = measure_committed(
            lambda order_ids=std_ids: standard_way(registry, ids, order_ids)
        )
        check(registry, ours_ids)
        check(registry, std_ids)
        if not index:
            continue
        rows.append((size, "standard", std_s, std_q, 1.0))
        rows.append((size, "payout", ours_s, ours_q, std_s / ours_s))
    print(
        f"{'N':>5} {'way':<9} {'total s':>8} {'s/order':>9} "
        f"{'queries':>8} {'queries/order':>14} {'speed-up':>9}"
    )
    for size, way, seconds, queries, ratio in rows:
        print(
            f"{size:>5} {way:<9} {seconds:>8.2f} {seconds / size:>9.4f} "
            f"{queries:>8} {queries / size:>14.2f} {ratio:>8.1f}x"
        )
    # What one more order costs the payout, whatever is paid once per import.
    payout = [(row[0], row[3]) for row in rows if row[1] == "payout"]
    for (small, small_q), (big, big_q) in pairwise(payout):
        print(
            f"payout: each order from N={small} to N={big} adds "
            f"{(big_q - small_q) / (big - small):.2f} queries"
        )


if __name__ == "__main__":
    main()
