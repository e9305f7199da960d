"""Benchmark: shipping labels for N deliveries (delivery_carrier_tracking).

Batched: what the module does, one report run for all deliveries, split into
one PDF per package. Per delivery: Odoo's report rendered once per delivery
(what printing each delivery's label does).

Usage: .venv/bin/python bench/bench_labels.py --db DB --conf odoo.conf [--count 100]

The database needs delivery_carrier_tracking installed. wkhtmltopdf fetches the
report CSS over HTTP, so Odoo's HTTP server is started in this process. The data
is created in one transaction that is rolled back at the end.
"""

import argparse
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

LABEL_REPORT = "delivery_carrier_tracking.action_report_shipping_label"


def make_pickings(env, count):
    partner = env["res.partner"].create(
        {
            "name": "Bench Customer",
            "street": "Jl. Merdeka 17",
            "city": "Bandung",
            "zip": "40111",
            "phone": "+62 812 0000 1111",
        }
    )
    product = env["product.product"].create(
        {"name": "Bench Shirt", "type": "consu", "weight": 0.5}
    )
    carrier = env.ref("delivery_carrier_tracking.carrier_jne")
    picking_type = env["stock.warehouse"].search([], limit=1).out_type_id
    customers = env.ref("stock.stock_location_customers")
    source = picking_type.default_location_src_id
    pickings = env["stock.picking"].create(
        [
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "carrier_id": carrier.id,
                "origin": f"S{index:05d}",
                "carrier_tracking_ref": f"BENCH{index:08d}",
                "location_id": source.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "location_id": source.id,
                            "location_dest_id": customers.id,
                        },
                    )
                ],
            }
            for index in range(count)
        ]
    )
    pickings.action_confirm()
    return carrier, pickings


def batched(env, carrier, pickings):
    carrier._tracking_attach_labels(pickings)
    labels = pickings.tracking_label_ids
    assert len(labels) == len(pickings), (len(labels), len(pickings))


def per_delivery(env, carrier, pickings):
    report = env["ir.actions.report"]
    for picking in pickings:
        pdf, fmt = report._render_qweb_pdf(LABEL_REPORT, picking.ids)
        assert fmt == "pdf" and pdf.startswith(b"%PDF")


def timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()

    odoo.tools.config.parse_config(
        ["-c", args.conf, "-d", args.db, "--log-level", "error"]
    )
    odoo.tools.config["max_cron_threads"] = 0
    port = odoo.tools.config["http_port"]
    # wkhtmltopdf loads the report's CSS from this server
    odoo.service.server.ThreadedServer(odoo.http.root).http_spawn()
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        params = env["ir.config_parameter"]
        previous_url = params.get_param("report.url", "")
        params.set_param("report.url", f"http://127.0.0.1:{port}")
        cr.commit()
        carrier, pickings = make_pickings(env, args.count)
        # warm-up: report assets, templates
        env["ir.actions.report"]._render_qweb_pdf(LABEL_REPORT, pickings[:1].ids)
        results = [
            ("batched (this module)", timed(batched, env, carrier, pickings)),
            ("one render per delivery", timed(per_delivery, env, carrier, pickings)),
        ]
        cr.rollback()
        params.set_param("report.url", previous_url)
        cr.commit()

    count = args.count
    print(f"\nShipping labels for {count} deliveries (wkhtmltopdf, this machine)")
    print(f"{'mode':<26}{'total s':>10}{'ms/delivery':>14}")
    for name, seconds in results:
        print(f"{name:<26}{seconds:>10.2f}{seconds * 1000 / count:>14.1f}")
    ratio = results[1][1] / results[0][1]
    print(f"ratio per-delivery / batched: {ratio:.1f}x")


if __name__ == "__main__":
    main()
