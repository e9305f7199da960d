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

from common import (
    clone_deliveries,
    create_deliveries,
    load_registry,
    parse_args,
    superuser_env,
    timed,
)
from odoo import fields

API_KEY = "biteship_test.bench"
ORM_DELIVERIES = 200


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
    # up to ORM_DELIVERIES through the ORM, the others copied from them in SQL
    pickings = create_deliveries(env, carrier, min(count, ORM_DELIVERIES))
    if count > len(pickings):
        pickings |= clone_deliveries(env, pickings, count - len(pickings))
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
    # Validated deliveries have their label: the poll prints one only for a
    # waybill that came after the order, which is not what is measured.
    env["ir.attachment"].create(
        [
            {
                "name": f"LabelShipping-bench-{picking.id}.pdf",
                "res_model": "stock.picking",
                "res_id": picking.id,
                "raw": b"%PDF-1.4 bench label",
                "mimetype": "application/pdf",
            }
            for picking in pickings
        ]
    )
    return carrier, pickings


def poll_all(env, pickings, batch):
    """Run the scheduled poll until no shipment is due; returns batches run."""
    batches = 0
    while env["stock.picking"]._cron_tracking_update(batch_size=batch):
        batches += 1
    return batches


def measure(registry, server, args, workers):
    """One fresh set of shipments polled with `workers` parallel requests."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        carrier, pickings = make_shipments(env, server, args.count)
        # the parallel requests alone: the request budget (4/s with a sandbox
        # key) is measured by bench_poll_budget.py
        carrier.write(
            {"biteship_poll_workers": workers, "tracking_request_rate": 1_000_000}
        )
        env.flush_all()
        server.latency = args.latency
        requests_before = server.requests
        elapsed, batches = timed(poll_all, env, pickings, args.batch)
        Picking = env["stock.picking"]
        row = {
            "workers": workers,
            "batches": batches,
            "requests": server.requests - requests_before,
            "events": env["stock.picking.tracking.event"].search_count(
                [("picking_id", "in", pickings.ids)]
            ),
            "in_transit": Picking.search_count(
                [("id", "in", pickings.ids), ("shipment_state", "=", "in_transit")]
            ),
            "still_due": Picking.search_count(
                [
                    ("id", "in", pickings.ids),
                    "|",
                    ("tracking_next_poll_at", "=", False),
                    ("tracking_next_poll_at", "<=", fields.Datetime.now()),
                ]
            ),
            "seconds": elapsed,
        }
        server.latency = 0.0
        cr.rollback()
    return row


def main():
    args = parse_args(
        __doc__,
        count=(int, 1000),
        batch=(int, 100),
        workers=(int, 8),
        latency=(float, 0.05),
    )
    registry = load_registry(args)
    # importable once the addons path is known
    from odoo.addons.delivery_biteship.tests.biteship_server import BiteshipStandIn

    server = BiteshipStandIn(api_key=API_KEY).start()
    try:
        rows = [
            measure(registry, server, args, workers) for workers in (1, args.workers)
        ]
    finally:
        server.stop()
    print(
        f"\nBiteship tracking poll: {args.count} shipments, cron batches of "
        f"{args.batch}, stand-in latency {args.latency * 1000:.0f} ms per answer"
    )
    header = ("parallel requests", "batches", "HTTP requests", "events", "in transit")
    print(" | ".join(header) + " | total s | ms/shipment")
    for row in rows:
        print(
            f"{row['workers']:>17} | {row['batches']:>7} | {row['requests']:>13} | "
            f"{row['events']:>6} | {row['in_transit']:>10} | {row['seconds']:>7.1f} | "
            f"{row['seconds'] / args.count * 1000:>11.1f}"
        )
        assert row["still_due"] == 0, f"{row['still_due']} shipments not polled"
    print(
        f"ratio sequential / {args.workers} parallel: "
        f"{rows[0]['seconds'] / rows[1]['seconds']:.1f}x (target: <= 60 s for "
        f"{args.count} with {args.workers} parallel requests)"
    )


if __name__ == "__main__":
    main()
