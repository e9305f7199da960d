"""What the benchmarks share: Odoo set-up from --db/--conf, test deliveries, timing.

Each benchmark creates its data in one transaction and rolls it back, so a
benchmark database can be reused; those measuring as production runs (commits
after each unit of work: measure_committed) say so and leave their data.
"""

import argparse
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def parse_args(doc, **options):
    """--db and --conf, plus the benchmark's own options as name=(type, default)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conf", required=True)
    for name, (kind, default) in options.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=default)
    return parser.parse_args()


def load_registry(args, http=False):
    """The registry of --db; with http, Odoo's HTTP server runs in this process
    (wkhtmltopdf loads the report CSS from it)."""
    odoo.tools.config.parse_config(
        ["-c", args.conf, "-d", args.db, "--log-level", "error"]
    )
    odoo.tools.config["max_cron_threads"] = 0
    odoo.modules.module.initialize_sys_path()
    if http:
        odoo.service.server.ThreadedServer(odoo.http.root).http_spawn()
    return Registry(args.db)


def superuser_env(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


def create_deliveries(env, carrier, count, **picking_vals):
    """`count` draft deliveries of 2 shirts (0.5 kg each) to an Indonesian
    customer with a complete address, with `carrier`."""
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
    picking_type = env["stock.warehouse"].search([], limit=1).out_type_id
    customers = env.ref("stock.stock_location_customers")
    source = picking_type.default_location_src_id
    move = {
        "name": product.name,
        "product_id": product.id,
        "product_uom_qty": 2,
        "location_id": source.id,
        "location_dest_id": customers.id,
    }
    return env["stock.picking"].create(
        [
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "carrier_id": carrier.id,
                "origin": f"S{index:05d}",
                "location_id": source.id,
                "location_dest_id": customers.id,
                "move_ids": [(0, 0, move)],
                **{key: value(index) for key, value in picking_vals.items()},
            }
            for index in range(count)
        ]
    )


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def measure_committed(run):
    """Seconds and SQL queries of run(), which opens and commits its own
    cursors as production does: queries are counted over the whole process."""
    queries = odoo.sql_db.sql_counter
    start = time.perf_counter()
    run()
    return time.perf_counter() - start, odoo.sql_db.sql_counter - queries


def committed_orders_run(registry, model, ids, step):
    """step(record) for each record of model in one cursor, committed after
    each record, as a person clicking through them one by one."""
    with registry.cursor() as cr:
        records = superuser_env(cr)[model].browse(ids)
        for record in records:
            step(record)
            cr.commit()
