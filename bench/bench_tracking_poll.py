"""Benchmark: refresh N active Biteship shipments through the generic poll cron.

N delivered-to-carrier deliveries (state done, shipment in transit, Biteship
order and tracking id set) are polled by delivery_carrier_tracking's
``_cron_tracking_update`` batch after batch, as the scheduled action does, against
the Biteship stand-in on loopback (``--latency`` seconds added per answer to
imitate the real API's round trip). delivery_biteship fetches each batch's
trackings with bounded concurrency (``--workers``) and records the events one
delivery at a time.

Usage: .venv/bin/python bench/bench_tracking_poll.py --db DB --conf odoo.conf
       [--count 1000] [--batch 100] [--workers 8] [--latency 0.05]

The database needs delivery_biteship installed. The data is created in one
transaction that is rolled back at the end.
"""

import argparse
import time

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry

API_KEY = "biteship_test.bench"


def make_shipments(env, server, count):
    company = env.company
    company.partner_id.write(
        {"street": "Jl. Gudang 1", "city": "Jakarta", "zip": "10110", "phone": "021"}
    )
    carrier = env["delivery.carrier"].create(
        {
            "name": "Bench Biteship JNE REG",
            "delivery_type": "biteship",
            "product_id": env["product.product"]
            .create({"name": "Bench Biteship", "type": "service"})
            .id,
            "biteship_api_key": API_KEY,
            "biteship_base_url": server.url,
            "biteship_courier_company": "jne",
            "biteship_courier_type": "reg",
        }
    )
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
    payload = {
        "origin_contact_name": "Bench",
        "origin_contact_phone": "021",
        "origin_address": "Jl. Gudang 1",
        "origin_postal_code": 10110,
        "destination_contact_name": "Bench Customer",
        "destination_contact_phone": "0812",
        "destination_address": "Jl. Merdeka 17",
        "destination_postal_code": 40111,
        "courier_company": "jne",
        "courier_type": "reg",
        "delivery_type": "now",
        "items": [
            {"name": "Bench Shirt", "value": 100000, "weight": 500, "quantity": 2}
        ],
    }
    orders = []
    for _index in range(count):
        order = server.create_order(payload)[1]
        server.set_status(order["id"], "picked", "Picked up by courier")
        server.set_status(order["id"], "dropping_off", "Arrived at sorting centre")
        orders.append(order)
    pickings = env["stock.picking"].create(
        [
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "carrier_id": carrier.id,
                "origin": f"S{index:05d}",
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
    # Validating 1,000 deliveries is not what is measured: set the state the
    # shipments have after validation and the carrier's first answer.
    env.flush_all()
    for picking, order in zip(pickings, orders, strict=True):
        env.cr.execute(
            """
            UPDATE stock_picking
               SET state = 'done', shipment_state = 'label_created',
                   carrier_shipment_id = %s, biteship_tracking_id = %s,
                   carrier_tracking_ref = %s, tracking_next_poll_at = NULL
             WHERE id = %s
            """,
            (
                order["id"],
                order["courier"]["tracking_id"],
                order["courier"]["waybill_id"],
                picking.id,
            ),
        )
    env.invalidate_all()
    return carrier, pickings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db])
    odoo.modules.module.initialize_sys_path()
    # importable once the addons path is known
    from odoo.addons.delivery_biteship.tests.biteship_server import BiteshipStandIn

    server = BiteshipStandIn(api_key=API_KEY).start()
    registry = Registry(args.db)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            carrier, pickings = make_shipments(env, server, args.count)
            carrier.biteship_poll_workers = args.workers
            env.flush_all()
            server.latency = args.latency
            requests_before = server.requests
            Picking = env["stock.picking"]
            batches = 0
            start = time.perf_counter()
            while Picking._cron_tracking_update(batch_size=args.batch):
                batches += 1
            elapsed = time.perf_counter() - start
            requests = server.requests - requests_before
            events = env["stock.picking.tracking.event"].search_count(
                [("picking_id", "in", pickings.ids)]
            )
            in_transit = Picking.search_count(
                [("id", "in", pickings.ids), ("shipment_state", "=", "in_transit")]
            )
            not_polled = Picking.search_count(
                [
                    ("id", "in", pickings.ids),
                    "|",
                    ("tracking_next_poll_at", "=", False),
                    ("tracking_next_poll_at", "<=", fields.Datetime.now()),
                ]
            )
            cr.rollback()
    finally:
        server.stop()
    rows = [
        ("shipments", f"{args.count}"),
        ("cron batch size / batches run", f"{args.batch} / {batches}"),
        ("parallel Biteship requests", f"{args.workers}"),
        ("stand-in latency per answer", f"{args.latency * 1000:.0f} ms"),
        ("HTTP requests", f"{requests}"),
        ("events recorded", f"{events}"),
        ("shipments now in transit", f"{in_transit}"),
        ("shipments still due", f"{not_polled}"),
        ("total time", f"{elapsed:.1f} s (target <= 60 s)"),
        ("per shipment", f"{elapsed / args.count * 1000:.1f} ms"),
    ]
    width = max(len(name) for name, _value in rows)
    print(f"{'Biteship tracking poll':<{width}} | value")
    print(f"{'-' * width}-|-{'-' * 24}")
    for name, value in rows:
        print(f"{name:<{width}} | {value}")


if __name__ == "__main__":
    main()
