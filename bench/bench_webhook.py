"""Benchmark: where one tracking webhook's time goes, beside Odoo's plainest
route served by the same application.

A copy of --db with --orders paid web orders of an in-house carrier,
fulfilled and shipped (each delivery with its tracking number), committed.
Odoo's WSGI application is then called in this process, one request at a time
(werkzeug's test client: no socket, no other worker), so that each request's
SQL queries are its own: counted by Odoo's query counter and read from its SQL
log (``odoo.sql_db`` at debug level, with --sql only: formatting each query
costs time). Three rounds (the first a warm-up: the caches of a running
server) post to each delivery, in turn:

- ``/web/health``: routing, database selection and a cursor, nothing else
  (the ceiling of bench_load.py);
- two signed webhooks of one event each, the next two of MOVES: a new state
  (picked up, out for delivery, delivered) or the same state again;
- the first of them again (the carrier's resend, already recorded);
- the first of them with a forged signature.

Each apply mode of --modes (default ``inline,queue``: both, side by side in
one run) has its share of the deliveries, the modes taking turns round by
round (the system parameter ``delivery_carrier_tracking.webhook_apply``
switched between them). In the queue mode the webhook is only accepted: after
each of its rounds, unmeasured, the inbox is applied as its cron does (and the
cron's wake-ups consumed, as a cron run does), and every row must be applied.

The table gives, per mode, the median milliseconds and the queries per request
of each kind; with --sql 1 the queries of one webhook of each kind are printed,
grouped by statement and table; with --profile N the N functions with the
most cumulative and own time over the webhooks (cProfile).

Usage:
    .venv/bin/python bench/bench_webhook.py --db DB --conf CONF
        [--orders 30] [--modes inline,queue] [--sql 0] [--profile 0] [--keep 0]

--db needs our modules installed and no open connection (it is the template
of the copy <db>_webhook, dropped at the end with its filestore).
"""

import cProfile
import functools
import json
import logging
import pstats
import re
import statistics
import sys
import time
from argparse import Namespace
from collections import Counter
from datetime import datetime, timedelta, timezone

import odoo
from bench_load import set_apply_mode
from common import (
    copy_database,
    drop_database,
    in_house_carrier,
    load_registry,
    parse_args,
    pay,
    set_policy,
    shop_product,
    shop_setup,
    superuser_env,
    tracking_event,
    web_orders,
    webhook_headers,
)
from werkzeug.test import Client

# (state, description, location): the events, two per round
MOVES = [
    ("picked_up", "Picked up by the courier", "Jakarta"),
    ("in_transit", "Arrived at the sorting centre", "Jakarta"),
    ("in_transit", "Left the sorting centre", "Jakarta"),
    ("out_for_delivery", "With the courier for delivery", "Bandung"),
    ("out_for_delivery", "Second delivery attempt", "Bandung"),
    ("delivered", "Received by the customer", "Bandung"),
]
KINDS = ("/web/health", "new state", "same state", "resend", "forged")
QUERY_RE = re.compile(r"\[([0-9.]+) ms\] query: (.*)", re.DOTALL)


class SqlLog(logging.Handler):
    """Collects the statements Odoo logs at debug level."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        match = QUERY_RE.search(record.getMessage())
        if match:
            self.queries.append((float(match.group(1)), match.group(2)))


def statement(query):
    """'SELECT stock_picking' style key of a query: its verb and first table."""
    text = " ".join(query.split())
    verb = text.split(" ", 1)[0].upper()
    table = re.search(
        r'(?:FROM|INTO|UPDATE|JOIN)\s+"?([a-z_0-9]+)"?', text, re.IGNORECASE
    )
    return f"{verb} {table.group(1) if table else ''}".strip()


def prepare(env, count):
    shop_setup(env)
    secret = "0" * 31 + "1"
    carrier = in_house_carrier(
        env,
        "Profile Courier",
        secret,
        tracking_url="https://track.example.com/t?n=<shipmenttrackingnumber>",
    )
    product = shop_product(env, "Profile Kopi Gayo", 85000.0, 0.5)
    partners = env["res.partner"].create(
        [
            {
                "name": f"Profile Customer {index}",
                "email": f"profile{index}@example.com",
                "street": f"Jl. Asia Afrika {index + 1}",
                "city": "Bandung",
                "zip": "40111",
                "country_id": env.ref("base.id").id,
            }
            for index in range(count)
        ]
    )
    orders = web_orders(env, carrier, [(partner, product, 1) for partner in partners])
    env["ir.config_parameter"].set_param("sale.async_emails", True)
    set_policy(env, False)
    pay(orders)._post_process()
    orders.pending_email_template_id = False
    set_policy(env, True)
    orders.action_fulfil()
    deliveries = orders.picking_ids
    assert set(deliveries.mapped("state")) == {"done"}, deliveries.mapped("state")
    for index, picking in enumerate(deliveries):
        picking.carrier_tracking_ref = f"PROF{index:07d}"
        picking._tracking_shipment_created()
    return carrier.id, secret, deliveries.mapped("carrier_tracking_ref")


def main():
    args = parse_args(
        __doc__,
        orders=(int, 30),
        modes=(str, "inline,queue"),
        sql=(int, 0),
        profile=(int, 0),
        keep=(int, 0),
    )
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level", "error"])
    db = f"{args.db}_webhook"
    copy_database(args.db, db)
    try:
        registry = load_registry(Namespace(db=db, conf=args.conf))
        odoo.tools.config["dbfilter"] = f"^{db}$"
        with registry.cursor() as cr:
            env = superuser_env(cr)(context={"tracking_disable": True})
            carrier_id, secret, numbers = prepare(env, args.orders)
        run(args, registry, carrier_id, secret, numbers)
    finally:
        odoo.sql_db.close_all()
        if not args.keep:
            drop_database(db)


class Requests:
    """Calls the application and keeps each request's time and queries."""

    def __init__(self, args):
        self.client = Client(odoo.http.root)
        self.sql_log = SqlLog()
        self.profiler = cProfile.Profile() if args.profile else None
        self.results = {}  # (mode, kind) -> [(ms, queries)]
        self.samples = {}  # (mode, kind) -> queries of its first measured request

    def post(self, mode, kind, path, raw=b"", headers=None, measured=True):
        self.sql_log.queries = []
        counter = odoo.sql_db.sql_counter
        webhook = kind != "/web/health"
        profiler = self.profiler if webhook and measured else None
        if profiler:
            profiler.enable()
        began = time.perf_counter()
        if webhook:
            response = self.client.post(path, data=raw, headers=headers)
        else:
            response = self.client.get(path)
        ms = (time.perf_counter() - began) * 1000
        if profiler:
            profiler.disable()
        expected = 403 if kind == "forged" else 200
        assert response.status_code == expected, (kind, response.status_code)
        answer = json.loads(response.get_data())
        if kind in ("new state", "same state"):
            key = "accepted" if mode == "queue" else "applied"
            assert answer[key] == 1, (mode, kind, answer)
        if kind == "resend" and mode == "queue":
            assert answer["accepted"] == 0, answer
        if measured:
            self.results.setdefault((mode, kind), []).append(
                (ms, odoo.sql_db.sql_counter - counter)
            )
            self.samples.setdefault((mode, kind), list(self.sql_log.queries))


def apply_inbox(registry):
    """What the inbox cron does after the webhooks of a queue round: apply
    every accepted row, and consume the wake-ups (a cron run deletes its
    triggers), so that the next requests find none waiting, as on a server
    whose crons keep up."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        Inbox = env["delivery.carrier.webhook.inbox"]
        Inbox._cron_tracking_webhook_inbox()
        env.flush_all()
        cr.execute(
            "SELECT count(*) FROM delivery_carrier_webhook_inbox WHERE state != 'done'"
        )
        assert cr.fetchone()[0] == 0, "accepted webhooks not applied"
        cr.execute(
            "DELETE FROM ir_cron_trigger WHERE cron_id IN ("
            " SELECT res_id FROM ir_model_data WHERE model = 'ir.cron'"
            " AND module = 'delivery_carrier_tracking'"
            " AND name LIKE %s)",
            ["ir_cron_tracking_webhook_inbox%"],
        )


def run(args, registry, carrier_id, secret, numbers):
    url = f"/delivery_tracking/webhook/{carrier_id}"
    requests = Requests(args)
    sql_logger = logging.getLogger("odoo.sql_db")
    sql_logger.addHandler(requests.sql_log)
    if args.sql:
        sql_logger.setLevel(logging.DEBUG)
        sql_logger.propagate = False
    start = datetime.now(timezone.utc) - timedelta(days=2)

    def body(number, stage, when, key):
        payload = {
            "tracking_number": number,
            "events": [tracking_event(key, when, *stage)],
        }
        return json.dumps(payload).encode()

    modes = args.modes.split(",")
    assert set(modes) <= {"inline", "queue"}, modes
    # a warm-up round: the registry's caches, as a running server has them
    for round_index in range(len(MOVES) // 2):
        measured = round_index > 0
        first, second = MOVES[2 * round_index], MOVES[2 * round_index + 1]
        new_state = round_index == 0 or first[0] != MOVES[2 * round_index - 1][0]
        for turn, mode in enumerate(modes):
            set_apply_mode(registry, mode)
            for index, number in enumerate(numbers):
                if index % len(modes) != turn:
                    continue
                when = start + timedelta(hours=3 * round_index, minutes=index)
                post = functools.partial(requests.post, mode, measured=measured)
                post("/web/health", "/web/health")
                raw = body(number, first, when, f"P-{number}-{round_index}-a")
                kind = "new state" if new_state else "same state"
                post(kind, url, raw, webhook_headers(secret, raw))
                raw2 = body(
                    number,
                    second,
                    when + timedelta(hours=1),
                    f"P-{number}-{round_index}-b",
                )
                kind = "new state" if second[0] != first[0] else "same state"
                post(kind, url, raw2, webhook_headers(secret, raw2))
                post("resend", url, raw, webhook_headers(secret, raw))
                forged = dict(
                    webhook_headers(secret, raw), **{"X-Tracking-Signature": "ab" * 32}
                )
                post("forged", url, raw, forged)
            if mode == "queue":
                apply_inbox(registry)
    sql_logger.removeHandler(requests.sql_log)
    sql_logger.setLevel(logging.NOTSET)
    sql_logger.propagate = True
    report(args, requests, len(numbers), modes)


def report(args, requests, deliveries, modes):
    print(
        f"\nOne request at a time, {deliveries} deliveries shared by the modes"
        " x 2 rounds, Odoo's WSGI application in this process (no socket)"
    )
    print("| mode | request | requests | median ms | p95 ms | SQL queries (median) |")
    print("|---|---|---|---|---|---|")
    for mode in modes:
        for kind in KINDS:
            rows = requests.results[mode, kind]
            times = sorted(ms for ms, __ in rows)
            print(
                f"| {mode} | {kind} | {len(rows)} | {statistics.median(times):.1f} "
                f"| {times[min(int(len(times) * 0.95), len(times) - 1)]:.1f} "
                f"| {statistics.median(q for __, q in rows):.0f} |"
            )
    if args.sql:
        for (mode, kind), queries in requests.samples.items():
            print(
                f"\n{mode}, {kind}: {len(queries)} queries, "
                f"{sum(ms for ms, __ in queries):.1f} ms in PostgreSQL"
            )
            for key, count in Counter(statement(q) for __, q in queries).most_common():
                print(f"  {count:3d}  {key}")
            if args.sql > 1:
                for ms, query in queries:
                    print(f"    {ms:6.1f} ms  " + " ".join(query.split())[:300])
    if requests.profiler:
        print()
        stats = pstats.Stats(requests.profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
