"""Benchmark: the customer's order page in My Account with many shipments.

A portal customer, logged in over HTTP (/web/login, a real session), opens
``/my/orders/<id>`` of paid and invoiced web orders of an in-house carrier:
one not shipped yet, and the same kind of order shipped in 1, 5 and 10
deliveries (partial deliveries, each with its tracking number, label and
--events tracking events received through the carrier's signed webhook).
The pages are requested round-robin (--requests rounds after a warm-up), so
that the machine's ups and downs hit every order alike; the table gives the
median time per order as the client sees it and the SQL queries of each
request, read from the server's log (Odoo logs "<queries> <query time>
<other time>" after each request line at log level info).

Targets (issue 11): the order with 10 deliveries at most 1.3x the time of the
order without shipments, and a query count that does not depend on the number
of deliveries and events. Exit status 1 when the pages are not what they
should be or the query count grows with the deliveries; the time ratio is
printed against its target (it depends on the machine's load).

Usage:
    .venv/bin/python bench/bench_portal.py --db DB --conf CONF
        [--requests 20] [--events 20] [--port PORT] [--keep 0]

--db needs our modules installed and no open connection (it is the template
of the copy <db>_portal, dropped at the end with its filestore; --keep 1 keeps
it). The server listens on --port (default: the configuration's http_port).
"""

import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from argparse import Namespace
from datetime import datetime, timedelta, timezone

import odoo
import requests
from common import (
    copy_database,
    drop_database,
    in_house_carrier,
    load_registry,
    parse_args,
    pay,
    portal_login,
    set_policy,
    shop_product,
    shop_setup,
    start_server,
    stop_server,
    superuser_env,
    tracking_event,
    wait_server,
    web_orders,
    webhook_headers,
)

DELIVERIES = (0, 1, 5, 10)
WARM_UP = 3  # requests per order before measuring (QWeb and ORM caches)
LOGIN = "portal.bench@example.id"
PASSWORD = "portal-bench-2024"
REQUEST_LINE = re.compile(
    r'"GET /my/orders/(?P<order>\d+)\?bench=(?P<tag>\d+) HTTP/[\d.]+" '
    r"(?P<status>\d+) \S+ (?P<queries>\d+) (?P<sql_s>[\d.]+) (?P<other_s>[\d.]+)"
)
STATUSES = [
    ("picked_up", "Picked up by the courier", "Jakarta"),
    ("in_transit", "Arrived at the sorting centre", "Jakarta"),
    ("in_transit", "Left the sorting centre", "Jakarta"),
    ("in_transit", "Arrived at the transit hub", "Cirebon"),
    ("in_transit", "Left the transit hub", "Cirebon"),
    ("in_transit", "Arrived at the destination hub", "Bandung"),
    ("out_for_delivery", "With the courier for delivery", "Bandung"),
]


# ---------------------------------------------------------------------- #
# Data (committed: the server only sees committed data)
# ---------------------------------------------------------------------- #


def prepare(env):
    """The shop, the customer with a portal login, and one paid, invoiced
    order per entry of DELIVERIES, shipped in that many deliveries."""
    shop_setup(env)
    secret = os.urandom(16).hex()
    carrier = in_house_carrier(
        env,
        "Kurir Toko",
        secret,
        # The waybill number is entered at the drop-off counter and the
        # labels are attached below: wkhtmltopdf is not what is measured.
        tracking_create_label=False,
        tracking_url="https://kurir.example.id/lacak?resi=<shipmenttrackingnumber>",
    )
    product = shop_product(env, "Batik Tulis Solo", 350000.0, 0.4)
    customer = env["res.partner"].create(
        {
            "name": "Siti Bench",
            "email": LOGIN,
            "street": "Jl. Merdeka 17",
            "city": "Bandung",
            "zip": "40111",
            "phone": "+62 812 0000 1111",
            "country_id": env.ref("base.id").id,
        }
    )
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "login": LOGIN,
            "password": PASSWORD,
            "partner_id": customer.id,
            "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
        }
    )
    # one unit per delivery; the order without shipments has 10
    orders = web_orders(
        env, carrier, [(customer, product, count or 10) for count in DELIVERIES]
    )
    # paid online, invoiced by the fulfilment automation; deliveries by hand
    set_policy(env, True)
    env["website"].search([]).fulfilment_auto_validate_delivery = False
    pay(orders)._post_process()
    for order, count in zip(orders, DELIVERIES, strict=True):
        assert order.state == "sale" and order.invoice_ids, order.name
        for index in range(count):
            ship_one_unit(order, f"KT{order.id:04d}{index:04d}")
    shipped = orders.picking_ids.filtered(lambda p: p.state == "done")
    # Validated deliveries have their label (what the carrier setting does).
    env["ir.attachment"].create(
        [
            {
                "name": f"LabelShipping-{picking.name.replace('/', '_')}.pdf",
                "res_model": "stock.picking",
                "res_id": picking.id,
                "raw": b"%PDF-1.4 bench label",
                "mimetype": "application/pdf",
            }
            for picking in shipped
        ]
    )
    return {
        "carrier_id": carrier.id,
        "secret": secret,
        "orders": [
            {
                "id": order.id,
                "deliveries": count,
                "numbers": order.picking_ids.filtered(
                    lambda p: p.state == "done"
                ).mapped("carrier_tracking_ref"),
            }
            for order, count in zip(orders, DELIVERIES, strict=True)
        ],
    }


def ship_one_unit(order, number):
    """Validate one unit of the order's open delivery, the rest in a backorder
    (a partial shipment, as a warehouse short of stock does), and enter its
    waybill number."""
    picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
    picking.ensure_one()
    picking.action_assign()
    picking.move_ids.quantity = 1
    picking.move_ids.picked = True
    picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
    picking.action_set_tracking_number(number)
    assert picking.state == "done" and picking.carrier_tracking_ref, picking.name


# ---------------------------------------------------------------------- #
# Webhook and pages
# ---------------------------------------------------------------------- #


def send_events(url, carrier_id, secret, number, count):
    """`count` tracking events of one shipment in one signed webhook call."""
    start = datetime.now(timezone.utc) - timedelta(days=3)
    events = []
    for index in range(count):
        status, description, location = STATUSES[index % len(STATUSES)]
        if index == count - 1:
            status, description = "delivered", "Received by the customer"
        events.append(
            tracking_event(
                f"EV-{number}-{index}",
                start + timedelta(hours=3 * index),
                status,
                f"{description} ({index + 1})",
                location,
            )
        )
    raw = json.dumps({"tracking_number": number, "events": events}).encode()
    response = requests.post(
        f"{url}/delivery_tracking/webhook/{carrier_id}",
        data=raw,
        timeout=60,
        headers=webhook_headers(secret, raw),
    )
    response.raise_for_status()
    assert response.json().get("applied"), response.text


def measure(session, url, orders, rounds):
    """Client-side seconds per order id, the rounds shuffled, every page
    tagged (?bench=<n>) to find its line in the server's log."""
    timings = {order["id"]: [] for order in orders}
    pages = {}
    tag = 0
    for round_index in range(WARM_UP + rounds):
        for order in random.sample(orders, len(orders)):
            tag += 1
            start = time.perf_counter()
            response = session.get(
                f"{url}/my/orders/{order['id']}?bench={tag}",
                timeout=60,
                allow_redirects=False,
            )
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (response.status_code, order)
            if round_index >= WARM_UP:
                timings[order["id"]].append((tag, elapsed))
            pages[order["id"]] = response.text
    return timings, pages


def read_log(path):
    """tag -> (queries, server seconds) of the tagged page requests."""
    found = {}
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = REQUEST_LINE.search(line)
            if match:
                found[int(match["tag"])] = (
                    int(match["queries"]),
                    float(match["sql_s"]) + float(match["other_s"]),
                )
    return found


def check_page(order, html, events):
    """The page shows every shipment and every event (the bench measures
    what the customer should see)."""
    shipments = html.count("o_tracking_shipment")
    shown = sum(html.count(number) for number in order["numbers"])
    problems = []
    if shipments != order["deliveries"]:
        problems.append(f"{shipments} shipments shown, {order['deliveries']} made")
    if order["deliveries"] and not shown:
        problems.append("no tracking number shown")
    if html.count("Received by the customer") != order["deliveries"]:
        problems.append("not every shipment's events shown")
    if html.count(f"({events})<") < order["deliveries"]:
        problems.append(f"the {events}th events are missing")
    return problems


def main():
    args = parse_args(
        __doc__, requests=(int, 20), events=(int, 20), port=(int, 0), keep=(int, 0)
    )
    random.seed(11)
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level", "error"])
    port = args.port or odoo.tools.config["http_port"]
    url = f"http://127.0.0.1:{port}"
    db = f"{args.db}_portal"
    log_path = os.path.join(tempfile.mkdtemp(prefix="bench_portal_"), "odoo.log")
    copy_database(args.db, db)
    server = None
    try:
        registry = load_registry(Namespace(db=db, conf=args.conf))
        with registry.cursor() as cr:
            data = prepare(superuser_env(cr)(context={"tracking_disable": True}))
        odoo.sql_db.close_db(db)
        # one process and no cron: nothing changes the orders while they are
        # measured
        server = start_server(args.conf, db, port, log_path)
        wait_server(server, url, 120)
        for order in data["orders"]:
            for number in order["numbers"]:
                send_events(
                    url, data["carrier_id"], data["secret"], number, args.events
                )
        session = portal_login(url, LOGIN, PASSWORD)
        timings, pages = measure(session, url, data["orders"], args.requests)
    finally:
        if server:
            stop_server(server)
        if not args.keep:
            drop_database(db)
    logged = read_log(log_path)
    rows = []
    problems = []
    for order in data["orders"]:
        samples = timings[order["id"]]
        queries = [logged[tag][0] for tag, __ in samples if tag in logged]
        if len(queries) != len(samples):
            problems.append(f"{len(samples) - len(queries)} requests not in the log")
        problems += [
            f"{order['deliveries']} deliveries: {problem}"
            for problem in check_page(order, pages[order["id"]], args.events)
        ]
        rows.append(
            {
                "deliveries": order["deliveries"],
                "events": order["deliveries"] * args.events,
                "ms": statistics.median(s for __, s in samples) * 1000,
                "server_ms": statistics.median(
                    logged[tag][1] for tag, __ in samples if tag in logged
                )
                * 1000,
                "queries": statistics.median(queries),
                "q_min": min(queries),
                "q_max": max(queries),
            }
        )
    base = rows[0]
    print(
        f"\nPortal order page /my/orders/<id>, logged in as the customer over "
        f"HTTP: medians of {args.requests} requests per order, round-robin"
    )
    print(
        "deliveries | events | median ms | server ms | x no shipments | "
        "SQL queries (min-max)"
    )
    for row in rows:
        print(
            f"{row['deliveries']:>10} | {row['events']:>6} | {row['ms']:>9.1f} | "
            f"{row['server_ms']:>9.1f} | {row['ms'] / base['ms']:>13.2f}x | "
            f"{row['queries']:>5.0f} ({row['q_min']}-{row['q_max']})"
        )
    shipped = [row for row in rows if row["deliveries"]]
    flat = len({row["q_max"] for row in shipped} | {row["q_min"] for row in shipped})
    ratio = rows[-1]["ms"] / base["ms"]
    print(
        f"queries with 1 to {shipped[-1]['deliveries']} deliveries: "
        f"{'the same' if flat == 1 else 'growing'} "
        f"(without shipments: {base['queries']:.0f}); "
        f"time with {shipped[-1]['deliveries']} deliveries x {args.events} events: "
        f"{ratio:.2f}x (target <= 1.3x: {'met' if ratio <= 1.3 else 'NOT met'})"
    )
    print(f"server log: {log_path}")
    if flat != 1:
        problems.append("the query count grows with the deliveries and events")
    if problems:
        print("FAILED: " + "; ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
