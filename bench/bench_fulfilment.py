"""Benchmark: N paid web orders fulfilled by the batch (sale_order_fulfilment's
scheduled action) vs. the same steps done the standard way, one order at a time
(Create Invoice wizard, post = reconcile, validate the delivery).

Usage:
    .venv/bin/python bench/bench_fulfilment.py --db DB --conf CONF

The database needs sale_order_fulfilment installed. Everything runs in one
transaction that is rolled back at the end: the database is left as it was.
"""

import time
from uuid import uuid4

from common import load_registry, parse_args, superuser_env


def set_policy(env, on):
    env.company.write({"fulfilment_auto_invoice": on})
    env["website"].search([]).write({"fulfilment_auto_validate_delivery": on})


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


def standard_way(env, orders):
    """What a user clicks, order by order."""
    for order in orders:
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


def measure(env, run):
    cr = env.cr
    env.flush_all()
    env.invalidate_all()
    queries = cr.sql_log_count
    start = time.perf_counter()
    run()
    env.flush_all()
    return time.perf_counter() - start, cr.sql_log_count - queries


def check(orders):
    for order in orders:
        invoice = order.invoice_ids
        assert len(invoice) == 1 and invoice.state == "posted", order.name
        assert invoice.currency_id.is_zero(invoice.amount_residual), order.name
        assert order.picking_ids.state == "done", order.name


def main():
    args = parse_args(__doc__)
    registry = load_registry(args)
    rows = []
    with registry.cursor() as cr:
        env = superuser_env(cr)(context={"tracking_disable": True})
        # Order confirmation mails are rendered without their PDF: wkhtmltopdf
        # needs a running server and would dwarf what is measured.
        env.ref("sale.mail_template_sale_confirmation").report_template_ids = False
        env["ir.config_parameter"].set_param("sale.automatic_invoice", False)
        product = env["product.product"].create(
            {"name": "Bench Kopi", "type": "consu", "list_price": 75000.0}
        )
        for size in (10, 50, 200):
            set_policy(env, False)
            batch_orders = paid_orders(env, product, size)
            set_policy(env, True)
            batch_s, batch_q = measure(
                env,
                lambda size=size: env["sale.order"]._cron_fulfil_orders(
                    batch_size=size
                ),
            )
            check(batch_orders)
            set_policy(env, False)
            std_orders = paid_orders(env, product, size)
            std_s, std_q = measure(
                env, lambda orders=std_orders: standard_way(env, orders)
            )
            check(std_orders)
            rows.append((size, "standard", std_s / size, std_q / size, 1.0))
            rows.append(
                (size, "batch", batch_s / size, batch_q / size, std_s / batch_s)
            )
        cr.rollback()
    print(f"{'N':>5} {'way':<9} {'s/order':>9} {'queries/order':>14} {'speed-up':>9}")
    for size, way, per_order, queries, ratio in rows:
        print(f"{size:>5} {way:<9} {per_order:>9.4f} {queries:>14.1f} {ratio:>8.2f}x")


if __name__ == "__main__":
    main()
