"""Benchmark: N paid web orders fulfilled by the batch (sale_order_fulfilment's
scheduled action, run as ir.cron runs it) vs. the same steps done the standard
way, one order at a time (Create Invoice wizard, post = reconcile, validate the
delivery), measured as production runs: the standard way commits after each
order, the batch after each cron batch (ir.cron's progress loop).

Usage:
    .venv/bin/python bench/bench_fulfilment.py --db DB --conf CONF [--sizes 10,50,200]

The database needs sale_order_fulfilment installed. As it commits, the bench
leaves its orders in the database (scripts/bench.sh runs it on a fresh copy).
"""

from itertools import pairwise
from uuid import uuid4

from common import (
    committed_orders_run,
    load_registry,
    measure_committed,
    parse_args,
    set_policy,
    superuser_env,
)

WARM_UP = 3


def paid_orders(env, product, count):
    """Web orders paid through payment_demo and core's post-processing, with the
    fulfilment automation off so that the steps are left to measure."""
    provider = env.ref("payment.payment_provider_demo")
    method = env.ref("payment_demo.payment_method_demo")
    website = env["website"].search([], limit=1)
    partners = env["res.partner"].create(
        [{"name": f"Bench {uuid4().hex[:6]}"} for __ in range(count)]
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "website_id": website.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                ],
            }
            for partner in partners
        ]
    )
    for order in orders:
        tx = env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-{uuid4().hex[:6]}",
                "operation": "online_redirect",
                "sale_order_ids": [(6, 0, order.ids)],
            }
        )
        tx.action_demo_set_done()
        tx._post_process()
    assert set(orders.mapped("fulfilment_state")) == {"paid"}
    return orders


def click_order(order):
    """What a user clicks for one order."""
    env = order.env
    wizard = (
        env["sale.advance.payment.inv"]
        .with_context(active_model="sale.order", active_ids=order.ids)
        .create({"advance_payment_method": "delivered"})
    )
    wizard.create_invoices()
    order.invoice_ids.filtered(lambda m: m.state == "draft").action_post()
    for picking in order.picking_ids.filtered(lambda p: p.state == "assigned"):
        picking.move_ids.picked = True
        assert picking.button_validate() is True


def run_cron(registry, cron_id):
    """The scheduled action as an ir.cron worker runs it: batches, each
    committed, until no order is left."""
    with registry.cursor() as cr:
        cr.execute("SELECT * FROM ir_cron WHERE id = %s", [cron_id])
        job = cr.dictfetchone()
    job["timed_out_counter"] = 0
    registry["ir.cron"]._run_job(job)


def fulfil_one(order):
    """The batch's steps for one order, as the scheduled action runs them."""
    order._fulfilment_run("batch")


def refill_caches(registry, order_id, step):
    """step(order), committed, before a measured run, as a production server keeps
    its caches between two runs: set_policy writes the website, which clears
    every cache of the registry (xml ids, defaults, config parameters,
    decimal precisions, templates), and a production server does not change
    its settings before each run. The change is signalled to other processes
    first, as Odoo does at the end of the request that made it."""
    registry.signal_changes()
    with registry.cursor() as cr:
        step(superuser_env(cr)["sale.order"].browse(order_id))


def check(env, order_ids):
    for order in env["sale.order"].browse(order_ids):
        invoice = order.invoice_ids
        assert len(invoice) == 1 and invoice.state == "posted", order.name
        assert invoice.currency_id.is_zero(invoice.amount_residual), order.name
        assert order.picking_ids.state == "done", order.name
        assert not order.fulfilment_exception, order.name


def prepare(registry, product_id, size):
    """Paid orders left for the fulfilment, committed."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        set_policy(env, False)
        ids = paid_orders(env, env["product.product"].browse(product_id), size).ids
        cr.commit()
    return ids


def main():
    args = parse_args(__doc__, sizes=(str, "10,50,200"))
    registry = load_registry(args)
    with registry.cursor() as cr:
        env = superuser_env(cr)
        # Order confirmation mails are rendered without their PDF: wkhtmltopdf
        # needs a running server and would dwarf what is measured.
        env.ref("sale.mail_template_sale_confirmation").report_template_ids = False
        env["ir.config_parameter"].set_param("sale.automatic_invoice", False)
        product_id = (
            env["product.product"]
            .create({"name": "Bench Kopi", "type": "consu", "list_price": 75000.0})
            .id
        )
        cron_id = env.ref("sale_order_fulfilment.ir_cron_fulfil_orders").id
        cr.commit()
    rows = []
    # A warm-up round of each way, not reported: a production server has its
    # caches (registry, ormcache, xml ids) filled; the first round pays for
    # filling them, which would count as per-order cost at small N.
    sizes = [WARM_UP] + [int(size) for size in args.sizes.split(",")]
    for index, size in enumerate(sizes):
        warm_id, *batch_ids = prepare(registry, product_id, size + 1)
        with registry.cursor() as cr:
            set_policy(superuser_env(cr), True)
            cr.commit()
        refill_caches(registry, warm_id, fulfil_one)
        batch_s, batch_q = measure_committed(lambda: run_cron(registry, cron_id))
        warm_id, *std_ids = prepare(registry, product_id, size + 1)
        refill_caches(registry, warm_id, click_order)
        std_s, std_q = measure_committed(
            lambda ids=std_ids: committed_orders_run(
                registry, "sale.order", ids, click_order
            )
        )
        with registry.cursor() as cr:
            env = superuser_env(cr)
            check(env, batch_ids)
            check(env, std_ids)
        if not index:
            continue
        rows.append((size, "standard", std_s / size, std_q / size, 1.0))
        rows.append((size, "batch", batch_s / size, batch_q / size, std_s / batch_s))
    print(f"{'N':>5} {'way':<9} {'s/order':>9} {'queries/order':>14} {'speed-up':>9}")
    for size, way, per_order, queries, ratio in rows:
        print(f"{size:>5} {way:<9} {per_order:>9.4f} {queries:>14.1f} {ratio:>8.2f}x")
    # What one more order costs, whatever is paid once per run (cron
    # bookkeeping, the batch's set-up): the per-order figure above falls with
    # N when that part is shared, while this one shows any per-order growth.
    batch = [(row[0], row[0] * row[3]) for row in rows if row[1] == "batch"]
    for (small, small_q), (big, big_q) in pairwise(batch):
        print(
            f"batch: each order from N={small} to N={big} adds "
            f"{(big_q - small_q) / (big - small):.1f} queries"
        )


if __name__ == "__main__":
    main()
