"""Benchmark: signed tracking webhooks under load while the fulfilment and
tracking crons run, on an Odoo server in prefork mode.

An Odoo server (``--workers 4 --max-cron-threads 2``, loopback only) runs on a
copy of --db made for the run (prefork workers only see committed data), with
N paid web orders of an in-house carrier that creates labels and tracking
numbers, the company's *Invoice Paid Orders* and the website's *Validate
Deliveries Automatically* on:

- 83 % were fulfilled and shipped before the run (their tracking numbers get
  webhook events from the start);
- 8 % were paid and post-processed while the automation was off: the
  fulfilment cron invoices, reconciles and validates their deliveries (labels,
  numbers);
- 3 %: payment done but not post-processed (the customer closed the browser):
  core's post-processing cron confirms them and our automation fulfils them;
- 6 %: invoiced and delivered while the label service was down (shipment
  *label pending*): the tracking cron creates their labels.

A label is one wkhtmltopdf run (1 to 4 s here, with the webhooks and other
work on the 2 cores): what the crons can do in the time limit is bounded by
it, hence the share shipped before the run.

While the crons run, --clients threads post --events signed webhook events in
the generic JSON format to ``/delivery_tracking/webhook/<carrier id>``: 80 %
genuine (one event each, realistic states, times in the past, only for
tracking numbers that exist when sent), 10 % resends of an event already sent,
5 % with a forged signature, 5 % for tracking numbers that do not exist. Then
it waits (bounded) for the crons to finish, checks the database and prints the
figures. Exit status 1 when a check fails.

The ceiling, on the same server with the same clients: for --ceiling-seconds
before the crons are triggered (idle), and again after the webhooks if the
crons still run, the clients call Odoo's plainest route (``/web/health``:
routing, the database's registry and a cursor, nothing of ours); the table
gives accepted events/s as a share of it (target 60 %).

Usage:
    .venv/bin/python bench/bench_load.py --db DB --conf CONF
        [--orders 500] [--events 2000] [--clients 20] [--time-limit 540]
        [--ceiling-seconds 20]

--db needs our modules installed and no open connection (it is the template of
the copy <db>_load, dropped at the end with its filestore; --keep keeps it).
The server listens on the configuration's http_port (websocket: the next port).
"""

import json
import os
import random
import sys
import tempfile
import threading
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

# Orders: payment done but not post-processed (payment cron), delivered while
# the label service was down (tracking cron), shipped before the run; the rest
# is paid and left to the fulfilment cron.
SHARES = (0.03, 0.06, 0.83)
SHARE_DUPLICATE = 0.10
SHARE_FORGED = 0.05
SHARE_UNKNOWN = 0.05
HTTP_TIMEOUT = 30  # seconds per request
STATUSES = [
    ("picked_up", "Picked up by the courier", "Jakarta"),
    ("in_transit", "Arrived at the sorting centre", "Jakarta"),
    ("in_transit", "Left the sorting centre", "Jakarta"),
    ("in_transit", "Arrived at the transit hub", "Cirebon"),
    ("in_transit", "Arrived at the destination hub", "Bandung"),
    ("out_for_delivery", "With the courier for delivery", "Bandung"),
    ("delivered", "Received by the customer", "Bandung"),
]


# ---------------------------------------------------------------------- #
# Data
# ---------------------------------------------------------------------- #


def prepare(env, count, port):
    """The shop, its carrier and `count` paid web orders; returns what the
    run needs to know."""
    clock = time.monotonic()

    def step(name):
        nonlocal clock
        print(f"  set-up: {name} {time.monotonic() - clock:.1f} s", flush=True)
        clock = time.monotonic()

    shop_setup(env)
    params = env["ir.config_parameter"]
    # wkhtmltopdf (labels) loads the report CSS from the server under test
    params.set_param("report.url", f"http://127.0.0.1:{port}")
    secret = os.urandom(16).hex()
    carrier = in_house_carrier(
        env,
        "Load Courier",
        secret,
        tracking_create_label=True,
        tracking_sequence_id=env["ir.sequence"]
        .create({"name": "Load Courier numbers", "prefix": "LOAD", "padding": 7})
        .id,
        tracking_url="https://track.example.com/t?n=<shipmenttrackingnumber>",
    )
    product = shop_product(env, "Load Kopi Toraja", 85000.0, 0.5)
    indonesia = env.ref("base.id")
    partners = env["res.partner"].create(
        [
            {
                "name": f"Load Customer {index}",
                "email": f"load{index}@example.com",
                "street": f"Jl. Merdeka {index + 1}",
                "city": "Bandung",
                "zip": "40111",
                "phone": f"+62 812 {index:07d}",
                "country_id": indonesia.id,
            }
            for index in range(count)
        ]
    )
    orders = web_orders(
        env,
        carrier,
        [(partner, product, 1 + i % 3) for i, partner in enumerate(partners)],
    )
    step("orders")
    cut = [round(count * share) for share in SHARES]
    later = orders[: cut[0]]
    pending = orders[cut[0] : cut[0] + cut[1]]
    shipped = orders[cut[0] + cut[1] : cut[0] + cut[1] + cut[2]]
    set_policy(env, False)
    # Rendering each confirmation mail would be most of the set-up: core's
    # asynchronous order mails leave them to a cron (not run here).
    params.set_param("sale.async_emails", True)
    # what the payment status page does, here for all of them at once
    pay(orders - later)._post_process()
    pay(later)
    # the confirmation mails went out before the run
    orders.pending_email_template_id = False
    params.set_param("sale.async_emails", False)
    step("payments")
    # Fulfilled before the run, the labels not made yet
    carrier.tracking_create_label = False
    set_policy(env, True)
    (pending | shipped).action_fulfil()
    step("invoices and deliveries")
    carrier.tracking_create_label = True
    deliveries = (pending | shipped).picking_ids
    assert set(deliveries.mapped("state")) == {"done"}, deliveries.mapped("state")
    # what a failed label at validation leaves (the label service was down)
    pending.picking_ids.write({"shipment_state": "label_pending"})
    # Shipped before the run: the in-house provider books the deliveries
    # (numbers, labels) as it does one by one at validation, here in one
    # report run so that the set-up stays short.
    carrier.send_shipping(shipped.picking_ids)
    for picking in shipped.picking_ids:
        picking._tracking_shipment_created()
    step("labels")
    return {
        "carrier_id": carrier.id,
        "secret": secret,
        "order_ids": orders.ids,
        "crons": [
            env.ref(xmlid).id
            for xmlid in (
                "sale_order_fulfilment.ir_cron_fulfil_orders",
                "delivery_carrier_tracking.ir_cron_tracking_update",
                "payment.cron_post_process_payment_tx",
            )
        ],
    }


# ---------------------------------------------------------------------- #
# Crons
# ---------------------------------------------------------------------- #


def trigger_crons(registry, cron_ids):
    """Run the scheduled actions now (ir.cron wakes the cron workers up)."""
    with registry.cursor() as cr:
        for cron in superuser_env(cr)["ir.cron"].browse(cron_ids):
            cron._trigger()


def set_apply_mode(registry, mode):
    """inline: webhooks applied before the answer; queue: accepted, then
    applied by the inbox crons (the other workers see the parameter at
    their next request: the registry's cache signal)."""
    with registry.cursor() as cr:
        # The environment is kept until the commit: the cursor flushes the
        # environments of its transaction that are still alive (a weak set),
        # and set_param's write of an existing parameter waits in the cache
        # for that flush. A throw-away env(...)[...].set_param() created the
        # row (an INSERT at once) but never changed it: the queue phases
        # of 2026-12-07 ran inline.
        env = superuser_env(cr)
        env["ir.config_parameter"].set_param(
            "delivery_carrier_tracking.webhook_apply", mode
        )
        env.flush_all()
        cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = %s",
            ["delivery_carrier_tracking.webhook_apply"],
        )
        assert cr.fetchone()[0] == mode, "the apply mode was not written"
    # what Odoo does after a request: the servers' workers clear their
    # cached parameters at their next request
    registry.signal_changes()


def wait_drain(registry, since, deadline):
    """Seconds from `since` until no accepted webhook waits to be applied
    (None: still some at the deadline)."""
    while True:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM delivery_carrier_webhook_inbox"
                " WHERE state = 'pending'"
            )
            pending = cr.fetchone()[0]
        if not pending:
            return time.monotonic() - since
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)


# ---------------------------------------------------------------------- #
# Webhook clients
# ---------------------------------------------------------------------- #


class Shipments(threading.Thread):
    """Watches the database for tracking numbers of the carrier (committed by
    the crons) and hands out their next event."""

    def __init__(self, registry, carrier_id, stop):
        super().__init__(daemon=True)
        self.registry = registry
        self.carrier_id = carrier_id
        self.stop = stop
        self.lock = threading.Lock()
        self.numbers = {}  # picking id -> tracking number
        self.todo = {}  # picking id -> events not sent yet
        self.initial = None  # shipments made before the run
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                self.refresh()
                self.stop.wait(1)
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            self.error = error

    def refresh(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id, carrier_tracking_ref FROM stock_picking"
                " WHERE carrier_id = %s AND carrier_tracking_ref IS NOT NULL",
                [self.carrier_id],
            )
            rows = cr.fetchall()
        with self.lock:
            for picking_id, number in rows:
                if picking_id not in self.numbers:
                    self.numbers[picking_id] = number
                    self.todo[picking_id] = self.timeline(picking_id, number)
            if self.initial is None:
                self.initial = set(self.numbers)

    @staticmethod
    def timeline(picking_id, number):
        """The carrier's events of one shipment, oldest first, in the past."""
        start = datetime.now(timezone.utc) - timedelta(
            days=2, minutes=random.randrange(600)
        )
        # most parcels are delivered, some are still on their way
        steps = STATUSES[: random.randint(3, len(STATUSES))]
        return [
            (
                picking_id,
                f"EV-{number}-{index}",
                {
                    "tracking_number": number,
                    "events": [
                        tracking_event(
                            f"EV-{number}-{index}",
                            start + timedelta(hours=3 * index),
                            *stage,
                        )
                    ],
                },
            )
            for index, stage in enumerate(steps)
        ]

    def count(self):
        with self.lock:
            return len(self.numbers)

    def take(self):
        """(picking id, event key, payload) of a random shipment, or None."""
        with self.lock:
            candidates = [pid for pid, events in self.todo.items() if events]
            if not candidates:
                return None
            return self.todo[random.choice(candidates)].pop(0)

    def any_number(self):
        with self.lock:
            return random.choice(list(self.numbers.values())) if self.numbers else None


class Load:
    """The webhook traffic: a shuffled plan of request kinds shared by the
    client threads, and what each request got."""

    def __init__(self, count, url, carrier_id, secret, shipments, deadline, sent):
        kinds = (
            ["duplicate"] * round(count * SHARE_DUPLICATE)
            + ["forged"] * round(count * SHARE_FORGED)
            + ["unknown"] * round(count * SHARE_UNKNOWN)
        )
        kinds += ["genuine"] * (count - len(kinds))
        random.shuffle(kinds)
        self.plan = kinds
        self.url = f"{url}/delivery_tracking/webhook/{carrier_id}"
        self.secret = secret
        self.shipments = shipments
        self.deadline = deadline
        self.lock = threading.Lock()
        self.sent_genuine = sent  # raw bodies of genuine events, for resends
        self.results = []  # dicts: kind, status, ms, applied, unknown, key
        self.start = self.end = None

    def next_request(self):
        """(kind, picking id, event key, raw body) or None when nothing can be
        sent yet; raises StopIteration when the plan is done or time is up."""
        with self.lock:
            if not self.plan or time.monotonic() > self.deadline:
                raise StopIteration
            kind = self.plan[-1]
            if kind == "genuine":
                event = self.shipments.take()
                if event is None:
                    return None
                picking_id, key, payload = event
                raw = json.dumps(payload).encode()
                self.sent_genuine.append((picking_id, key, raw))
            elif kind == "duplicate":
                if not self.sent_genuine:
                    return None
                picking_id, key, raw = random.choice(self.sent_genuine)
            else:
                number = (
                    self.shipments.any_number() if kind == "forged" else None
                ) or f"NOSUCH{random.randrange(10**9):09d}"
                picking_id, key = None, f"{kind.upper()}-{random.randrange(10**12)}"
                raw = json.dumps(
                    {
                        "tracking_number": number,
                        "events": [
                            {
                                "id": key,
                                "time": (
                                    datetime.now(timezone.utc) - timedelta(hours=1)
                                ).isoformat(timespec="seconds"),
                                "status": "delivered",
                                "description": "Received by the customer",
                            }
                        ],
                    }
                ).encode()
            self.plan.pop()
            return kind, picking_id, key, raw

    def headers(self, raw, forged):
        headers = webhook_headers(self.secret, raw)
        if forged:
            headers["X-Tracking-Signature"] = os.urandom(32).hex()
        return headers

    def client(self):
        session = requests.Session()
        while True:
            try:
                job = self.next_request()
            except StopIteration:
                return
            if job is None:
                time.sleep(0.1)
                continue
            kind, picking_id, key, raw = job
            headers = self.headers(raw, kind == "forged")
            result = {"kind": kind, "picking_id": picking_id, "key": key}
            start = time.perf_counter()
            try:
                response = session.post(
                    self.url,
                    data=raw,
                    timeout=HTTP_TIMEOUT,
                    headers=headers,
                )
                result["status"] = response.status_code
                try:
                    body = response.json()
                except ValueError:
                    body = {}
                result["applied"] = body.get("applied", 0)
                result["unknown"] = body.get("unknown", 0)
                result["accepted"] = body.get("accepted", 0)
                # which apply mode answered (queue: "accepted"; inline: counts)
                result["answered"] = (
                    "queue"
                    if "accepted" in body
                    else ("inline" if "applied" in body else "")
                )
                if response.status_code >= 400:
                    result["message"] = response.text[:300]
            except requests.RequestException as error:
                result["status"] = "timeout" if "timed out" in str(error) else "error"
                result["message"] = str(error)[:300]
            result["ms"] = (time.perf_counter() - start) * 1000
            with self.lock:
                self.results.append(result)

    def run(self, clients):
        self.start = time.monotonic()
        threads = [threading.Thread(target=self.client) for _i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(self.deadline - time.monotonic(), 0) + HTTP_TIMEOUT + 5)
        self.end = time.monotonic()


# ---------------------------------------------------------------------- #
# The ceiling: Odoo's plainest route on the same server
# ---------------------------------------------------------------------- #

CEILING_PATH = "/web/health"  # routing, database selection and a cursor


def measure_ceiling(url, clients, seconds):
    """Requests/s and latencies of `clients` threads calling Odoo's plainest
    route (CEILING_PATH, nothing of ours) for `seconds`, as Load's clients
    call the webhook (one requests Session each, back to back)."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies, failures = [], []

    def client():
        session = requests.Session()
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                ok = session.get(url + CEILING_PATH, timeout=HTTP_TIMEOUT).ok
            except requests.RequestException:
                ok = False
            ms = (time.perf_counter() - start) * 1000
            with lock:
                (latencies if ok else failures).append(ms)

    start = time.monotonic()
    threads = [threading.Thread(target=client) for _i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    window = max(time.monotonic() - start, 1e-9)
    return {
        "rps": len(latencies) / window,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "failures": len(failures),
    }


# ---------------------------------------------------------------------- #
# Checks
# ---------------------------------------------------------------------- #


def invoiced_and_reconciled(order):
    invoices = order.invoice_ids.filtered(
        lambda m: m.move_type == "out_invoice" and m.state == "posted"
    )
    return (
        bool(invoices)
        and order.invoice_status == "invoiced"
        and all(m.currency_id.is_zero(m.amount_residual) for m in invoices)
    )


def order_report(env, order_ids):
    """(orders not invoiced and reconciled, orders in exception,
    deliveries without a shipment, payments not post-processed)."""
    orders = env["sale.order"].browse(order_ids)
    open_orders = orders.filtered(lambda o: not invoiced_and_reconciled(o))
    deliveries = orders.picking_ids.filtered(
        lambda p: p.picking_type_code == "outgoing"
    )
    unshipped = deliveries.filtered(
        lambda p: (
            p.state != "done"
            or not p.carrier_tracking_ref
            or (p.shipment_state in (False, "label_pending"))
        )
    )
    unprocessed = orders.transaction_ids.filtered(lambda tx: not tx.is_post_processed)
    return (
        open_orders,
        orders.filtered("fulfilment_exception"),
        unshipped,
        unprocessed,
    )


def wait_crons(registry, order_ids, cron_ids, deadline):
    """Wait until every order is done or in exception (bounded)."""
    while True:
        # their interval is 15 minutes: trigger them again (a cron worker
        # may have missed the notification)
        trigger_crons(registry, cron_ids)
        with registry.cursor() as cr:
            open_orders, exceptions, unshipped, unprocessed = order_report(
                superuser_env(cr), order_ids
            )
            waiting = len((open_orders | unshipped.sale_id) - exceptions) + len(
                unprocessed
            )
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(10)


def check_database(cr, carrier_id, results):
    cr.execute(
        "SELECT picking_id, event_key FROM stock_picking_tracking_event"
        " WHERE carrier_id = %s",
        [carrier_id],
    )
    rows = set(cr.fetchall())
    applied = {
        (r["picking_id"], r["key"])
        for r in results
        if r["kind"] in ("genuine", "duplicate") and r["status"] == 200
    }
    cr.execute(
        "SELECT count(*) FROM (SELECT 1 FROM stock_picking_tracking_event"
        " WHERE carrier_id = %s GROUP BY picking_id, event_key"
        " HAVING count(*) > 1) AS dup",
        [carrier_id],
    )
    duplicates = cr.fetchone()[0]
    forged_keys = {r["key"] for r in results if r["kind"] == "forged"}
    forged_rows = sum(1 for __, key in rows if key in forged_keys)
    cr.execute(
        """
        SELECT count(*) FROM (
            SELECT res_id FROM ir_attachment
             WHERE res_model = 'stock.picking' AND name LIKE 'LabelShipping-%%'
               AND res_id IN (SELECT id FROM stock_picking WHERE carrier_id = %s)
             GROUP BY res_id HAVING count(*) > 1
        ) AS labels
        """,
        [carrier_id],
    )
    multi_labels = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM stock_picking WHERE carrier_id = %s"
        " AND carrier_tracking_ref LIKE '%%,%%'",
        [carrier_id],
    )
    multi_numbers = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM stock_picking WHERE carrier_id = %s"
        " AND carrier_tracking_ref IS NOT NULL",
        [carrier_id],
    )
    shipments = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM ir_attachment WHERE res_model = 'stock.picking'"
        " AND name LIKE 'LabelShipping-%%' AND res_id IN"
        " (SELECT id FROM stock_picking WHERE carrier_id = %s)",
        [carrier_id],
    )
    labels = cr.fetchone()[0]
    # informative: a shipment's state is its newest event's
    cr.execute(
        """
        SELECT count(*) FROM stock_picking p
          JOIN LATERAL (
                SELECT shipment_state FROM stock_picking_tracking_event e
                 WHERE e.picking_id = p.id
                 ORDER BY event_time DESC, id DESC LIMIT 1) newest ON TRUE
         WHERE p.carrier_id = %s AND p.shipment_state != newest.shipment_state
        """,
        [carrier_id],
    )
    state_behind = cr.fetchone()[0]
    cr.execute(
        "SELECT state, count(*), sum(unknown) FROM delivery_carrier_webhook_inbox"
        " WHERE carrier_id = %s GROUP BY state",
        [carrier_id],
    )
    inbox = {state: (count, unknown) for state, count, unknown in cr.fetchall()}
    return {
        "inbox_failed": inbox.get("failed", (0, 0))[0],
        "inbox_pending": inbox.get("pending", (0, 0))[0],
        "inbox_unknown": inbox.get("done", (0, 0))[1] or 0,
        "lost": len(applied - rows),
        "duplicates": duplicates,
        "forged_rows": forged_rows,
        "multi_shipment": multi_labels + multi_numbers,
        "state_behind": state_behind,
        "events_stored": len(rows),
        "shipments": shipments,
        "labels": labels,
    }


def percentile(values, share):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(int(len(values) * share), len(values) - 1)]


# PostgreSQL's answers to concurrent transactions: Odoo logs the query as an
# ERROR, then retries the request (or the cron batch gives the row up).
CONFLICTS = {
    "could not serialize access": "serialization",
    "deadlock detected": "deadlock",
    "lock timeout": "lock timeout",
    "could not obtain lock": "lock not available",
}


def scan_log(path):
    """Counts of the server log's conflicts, retries given up, tracebacks and
    its other ERROR lines (with the line after each: the message)."""
    counts = dict.fromkeys([*CONFLICTS.values(), "retries exhausted", "traceback"], 0)
    errors = []
    with open(path, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if "maximum number of tries reached" in line:
            counts["retries exhausted"] += 1
        if line.startswith("Traceback"):
            counts["traceback"] += 1
        if " ERROR " not in line and " CRITICAL " not in line:
            continue
        conflict = next((v for k, v in CONFLICTS.items() if k in following), None)
        if conflict:
            counts[conflict] += 1
        else:
            errors.append(f"{line[:300]} | {following[:200]}")
    return counts, errors


# ---------------------------------------------------------------------- #


def phase_figures(phases, ceiling):
    """Per apply mode: the webhook figures of its phases, summed."""
    figures = {}
    for mode, load, drain in phases:
        f = figures.setdefault(
            mode, {"results": [], "window": 0.0, "drain": 0.0, "drained": True}
        )
        f["results"] += load.results
        f["window"] += max(load.end - load.start, 1e-9)
        if drain is None:
            f["drained"] = False
        else:
            f["drain"] = max(f["drain"], drain)
    for f in figures.values():
        results = f["results"]
        accepted = [
            r
            for r in results
            if r["status"] == 200 and r["kind"] in ("genuine", "duplicate")
        ]
        latencies = [r["ms"] for r in results]
        f.update(
            sent=len(results),
            accepted=len(accepted),
            rate=len(accepted) / f["window"],
            p50=percentile(latencies, 0.5),
            p95=percentile(latencies, 0.95),
        )
        f["ratio"] = f["rate"] / ceiling["rps"] if ceiling["rps"] else 0.0
    return figures


def print_side_by_side(phases, figures):
    """The webhook figures per apply mode, in columns."""
    modes = list(figures)
    print("phases: " + ", ".join(mode for mode, __, __ in phases))
    side = [
        ("events sent", "sent", "{}"),
        ("accepted (200; signed, shipment known)", "accepted", "{}"),
        ("sending window s", "window", "{:.1f}"),
        ("events/s accepted", "rate", "{:.1f}"),
        ("latency p50 ms", "p50", "{:.0f}"),
        ("latency p95 ms (target 200)", "p95", "{:.0f}"),
        ("accepted/s / idle ceiling (target 60 %)", "ratio", "{:.0%}"),
        ("drain s: last answer -> all applied", "drain", "{:.1f}"),
    ]
    width = max(len(name) for name, __, __ in side)
    print(f"{'':<{width}} | " + " | ".join(f"{m:>10}" for m in modes))
    for name, key, fmt in side:
        cells = []
        for m in modes:
            value = figures[m][key]
            if key == "drain" and not figures[m]["drained"]:
                cells.append(f"{'> limit':>10}")
            else:
                cells.append(f"{fmt.format(value):>10}")
        print(f"{name:<{width}} | " + " | ".join(cells))
    print()


def report(args, phases, shipments, checks, summary, log_path):
    """Print the figures and the checks; exit 1 when a check fails."""
    results = [r for __, load, __ in phases for r in load.results]
    by_kind = {}
    for r in results:
        by_kind.setdefault(r["kind"], []).append(r)
    accepted = [
        r
        for r in results
        if r["status"] == 200 and r["kind"] in ("genuine", "duplicate")
    ]
    unknown = [r for r in results if r["status"] == 200 and r.get("unknown")]
    forged = by_kind.get("forged", [])
    forged_rejected = sum(1 for r in forged if r["status"] == 403)
    forged_accepted = sum(1 for r in forged if r["status"] == 200)
    http_errors = [
        r for r in results if not isinstance(r["status"], int) or r["status"] >= 500
    ]
    other_4xx = [
        r
        for r in results
        if isinstance(r["status"], int)
        and 400 <= r["status"] < 500
        and r["kind"] != "forged"
    ]
    signed_403 = [r for r in other_4xx if r["status"] == 403]
    initial = shipments.initial or set()
    recent = [r for r in accepted if r["picking_id"] and r["picking_id"] not in initial]
    window = sum(max(load.end - load.start, 1e-9) for __, load, __ in phases)
    latencies = [r["ms"] for r in results]
    log_counts, log_errors = scan_log(log_path)

    print(
        f"\nWebhook load: {args.orders} orders, {args.clients} clients, server "
        "--workers=4 --max-cron-threads=2 (2 shared cores), load average "
        f"{summary['load_before']} before, {os.getloadavg()[0]:.1f} after"
    )
    figures = phase_figures(phases, summary["ceiling"])
    print_side_by_side(phases, figures)
    rows = [
        ("events sent", len(results)),
        (
            "  genuine / resent / forged / unknown",
            " / ".join(
                str(len(by_kind.get(k, [])))
                for k in ("genuine", "duplicate", "forged", "unknown")
            ),
        ),
        ("accepted (200, signed, shipment known)", len(accepted)),
        (
            "unknown shipment (inline answers / queue rows)",
            f"{len(unknown)} / {checks['inbox_unknown']}",
        ),
        ("forged rejected (403)", forged_rejected),
        ("signed but refused (4xx)", len(other_4xx)),
        ("sending window s", f"{window:.1f}"),
        ("events/s accepted", f"{len(accepted) / window:.1f}"),
        ("requests/s", f"{len(results) / window:.1f}"),
        ("latency p50 ms", f"{percentile(latencies, 0.5):.0f}"),
        ("latency p95 ms", f"{percentile(latencies, 0.95):.0f}"),
        ("shipments at the end", checks["shipments"]),
        ("  of which shipped during the run", checks["shipments"] - len(initial)),
        ("label attachments", checks["labels"]),
        ("events applied to these", len(recent)),
        ("event rows stored", checks["events_stored"]),
        ("crons finished after s", f"{summary['crons_s']:.0f}"),
        ("total run s", f"{time.monotonic() - summary['started']:.0f}"),
        (
            "log: serialization conflicts (retried)",
            log_counts["serialization"],
        ),
        ("log: retries exhausted", log_counts["retries exhausted"]),
        (
            "log: deadlocks / lock timeouts",
            "{deadlock} / {lock timeout}".format(**log_counts),
        ),
        (
            "log: other ERROR lines / tracebacks",
            f"{len(log_errors)} / {log_counts['traceback']}",
        ),
        ("shipment state != newest event (info)", checks["state_behind"]),
    ]
    ceiling, busy = summary["ceiling"], summary["ceiling_busy"]
    # a phase's figures are its mode's only if the server answered in it
    wrong_mode = sum(
        1
        for mode, load, __ in phases
        for r in load.results
        if r["status"] == 200
        and r["kind"] in ("genuine", "duplicate")
        and r.get("answered") != mode
    )
    checks_table = [
        ("webhooks answered in another apply mode than the phase's", wrong_mode),
        ("events lost", checks["lost"]),
        ("duplicate event rows", checks["duplicates"]),
        ("forged accepted", forged_accepted + checks["forged_rows"]),
        ("orders not invoiced and reconciled", summary["open_orders"]),
        ("deliveries with more than one shipment", checks["multi_shipment"]),
        # a carrier retries these, but the webhook must not give them
        ("signed events answered 403", len(signed_403)),
        ("HTTP errors (5xx, timeouts)", len(http_errors)),
        (
            "accepted webhooks failed / still pending",
            checks["inbox_failed"] + checks["inbox_pending"],
        ),
        (
            f"{CEILING_PATH} errors",
            ceiling["failures"] + (busy["failures"] if busy else 0),
        ),
    ]
    rate = len(accepted) / window
    rows += [
        (
            f"ceiling {CEILING_PATH} req/s, idle",
            f"{ceiling['rps']:.1f}",
        ),
        ("  its p50 / p95 ms", f"{ceiling['p50']:.0f} / {ceiling['p95']:.0f}"),
        ("accepted events/s / ceiling, all phases", f"{rate / ceiling['rps']:.0%}"),
    ]
    if busy:
        rows += [
            (f"ceiling {CEILING_PATH} req/s, crons running", f"{busy['rps']:.1f}"),
            ("  its p50 / p95 ms", f"{busy['p50']:.0f} / {busy['p95']:.0f}"),
            *(
                (
                    f"{mode}: accepted events/s / that ceiling",
                    f"{f['rate'] / busy['rps']:.0%}",
                )
                for mode, f in figures.items()
            ),
        ]
    width = max(len(name) for name, __ in rows + checks_table)
    for name, value in rows:
        print(f"{name:<{width}} | {value:>10}")
    print("checks (must be 0):")
    for name, value in checks_table:
        print(f"{name:<{width}} | {value:>10}")
    problems = [name for name, value in checks_table if value]
    if summary["not_sent"]:
        problems.append(f"{summary['not_sent']} events not sent in the time limit")
    if summary["waiting"]:
        problems.append(f"{summary['waiting']} orders or payments still waiting")
    if summary["unshipped"]:
        print(f"deliveries without a shipment: {summary['unshipped']}")
    if summary["unprocessed"]:
        print(f"payments not post-processed: {summary['unprocessed']}")
    if summary["reasons"]:
        print(f"orders in exception: {summary['exceptions']}; reasons:")
        for reason in summary["reasons"][:5]:
            print(f"  {reason[:300]}")
    for r in (http_errors + other_4xx)[:5]:
        print(f"  {r['kind']} -> {r['status']}: {r.get('message', '')[:200]}")
    for line in log_errors[:10]:
        print(f"  log: {line}")
    print(f"server log: {log_path}")
    if problems:
        print("FAILED: " + "; ".join(problems))
        sys.exit(1)


def main():
    args = parse_args(
        __doc__,
        orders=(int, 500),
        events=(int, 2000),
        clients=(int, 20),
        time_limit=(int, 540),
        phases=(str, "inline,queue,inline,queue"),
        ceiling_seconds=(int, 20),
        keep=(int, 0),
    )
    random.seed(8)
    started = time.monotonic()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level", "error"])
    port = odoo.tools.config["http_port"]
    url = f"http://127.0.0.1:{port}"
    db = f"{args.db}_load"
    log_dir = tempfile.mkdtemp(prefix="bench_load_")
    log_path = os.path.join(log_dir, "odoo.log")
    deadline = started + args.time_limit
    copy_database(args.db, db)
    server = None
    try:
        # The server first: the labels made during the set-up load their CSS
        # from it. Nothing is committed before the end of the set-up.
        server = start_server(args.conf, db, port, log_path, workers=4, cron_threads=2)
        registry = load_registry(Namespace(db=db, conf=args.conf))
        wait_server(server, url, 120)
        with registry.cursor() as cr:
            env = superuser_env(cr)(context={"tracking_disable": True})
            data = prepare(env, args.orders, port)
        print(f"set-up: {time.monotonic() - started:.0f} s", flush=True)
        load_before = f"{os.getloadavg()[0]:.1f}"
        ceiling = measure_ceiling(url, args.clients, args.ceiling_seconds)
        trigger_crons(registry, data["crons"])
        run_start = time.monotonic()
        stop = threading.Event()
        shipments = Shipments(registry, data["carrier_id"], stop)
        shipments.start()
        while not shipments.count():
            if time.monotonic() > deadline or shipments.error:
                raise RuntimeError(f"no shipment found: {shipments.error}")
            time.sleep(0.5)
        # the rest of the time limit: the crons finish and the checks run
        load_deadline = run_start + (deadline - run_start) * 0.6
        modes = args.phases.split(",")
        per_phase = args.events // len(modes)
        sent, phases = [], []
        for index, mode in enumerate(modes):
            set_apply_mode(registry, mode)
            phase_deadline = run_start + (load_deadline - run_start) * (
                index + 1
            ) / len(modes)
            load = Load(
                per_phase,
                url,
                data["carrier_id"],
                data["secret"],
                shipments,
                phase_deadline,
                sent,
            )
            load.run(args.clients)
            # queue: until every accepted webhook is applied (the next phase
            # starts on an empty inbox); inline: applied when answered
            drain = wait_drain(registry, load.end, deadline) if mode == "queue" else 0.0
            phases.append((mode, load, drain))
            print(
                f"  phase {index + 1} {mode}: {len(load.results)} sent, drain {drain}",
                flush=True,
            )
        stop.set()
        summary = {
            "started": started,
            "not_sent": sum(len(load.plan) for __, load, __ in phases),
            "load_before": load_before,
            "ceiling": ceiling,
            # the same route again while the crons still work, if they do
            "ceiling_busy": measure_ceiling(url, args.clients, args.ceiling_seconds)
            if wait_crons(registry, data["order_ids"], data["crons"], 0)
            else None,
        }
        summary["waiting"] = wait_crons(
            registry, data["order_ids"], data["crons"], deadline
        )
        summary["crons_s"] = time.monotonic() - run_start
        with registry.cursor() as cr:
            checks = check_database(
                cr, data["carrier_id"], [r for __, ld, __ in phases for r in ld.results]
            )
            open_orders, exceptions, unshipped, unprocessed = order_report(
                superuser_env(cr), data["order_ids"]
            )
            summary.update(
                open_orders=len(open_orders),
                exceptions=len(exceptions),
                reasons=sorted(set(exceptions.mapped("fulfilment_exception_reason"))),
                unshipped=len(unshipped),
                unprocessed=len(unprocessed),
            )
    finally:
        if server is not None:
            stop_server(server)
        odoo.sql_db.close_all()
        if not args.keep:
            drop_database(db)

    report(args, phases, shipments, checks, summary, log_path)


if __name__ == "__main__":
    main()
