"""Benchmark: two Odoo servers on one database behind a round-robin proxy,
against one server behind the same proxy, in one run.

How a shop grows past one machine with Odoo: several hosts running odoo-bin
(``--workers``, cron threads) on one PostgreSQL, a load balancer in front.
Here both hosts are loopback servers (``--workers=2 --max-cron-threads=1
--proxy-mode``, the same data_dir) behind ``rr_proxy.RoundRobinProxy``, which
sends each request to the next server and adds X-Forwarded-For/-Host/-Proto.

Each way runs on a fresh copy of --db the load bench's scenario
(``bench_load``: paid web orders of an in-house carrier, some left to the
fulfilment, tracking and payment crons, signed webhook events from --clients
threads, resent, forged and unknown ones among them), all through the proxy,
plus --biteship paid orders of a Biteship method on the stand-in
(``biteship_server``, answering in --latency s) that the fulfilment crons of
the hosts invoice, ship and book. Then it checks:

- 0 events lost, 0 duplicated, 0 forged accepted (``bench_load``'s checks);
- each order invoiced once (one posted customer invoice per order);
- each Biteship delivery booked once (the stand-in counts the booking requests
  and the orders per delivery);
- ``/track``'s limits shared: a visitor (own loopback address) guessing
  wrong through the proxy is refused after ``max_per_address`` guesses
  spread over the servers, as on one server, while another visitor is not;
  the same when the visitor sends its guesses in parallel; one order
  reference guessed from several addresses is refused after
  ``max_per_order``;
- the provider request budget shared: once the crons are done, every Biteship
  delivery is made due for a poll and the servers' tracking cron and a poll
  run of this process (a third host) poll them at once; the stand-in, limited
  to Biteship's sandbox 5 requests/s (429 above), must never see more than
  the account's budget (4/s for a sandbox key) in any second, and no 429.

Prints per server: requests, webhook events/s and server-side p95 (from each
server's request log), cron jobs run; and both ways side by side. Exit status
1 when a check fails.

Usage:
    .venv/bin/python bench/bench_two_servers.py --db DB --conf CONF
        [--orders 80] [--events 400] [--clients 12] [--biteship 20]
        [--latency 0.2] [--port 18160] [--time-limit 600] [--ways 1,2]

--time-limit: seconds for each way, set-up included (as bench_load's).
--db needs our modules installed and no open connection; the copies
<db>_one and <db>_two are dropped at the end (--keep keeps them). Ports: the
one server on --port, the two on --port + 2 and + 4 (websockets on the next
ones), the proxies on --port + 6 and + 7, the Biteship stand-in on --port + 9.
"""

import collections
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import odoo
import requests
from bench_load import (
    Load,
    Shipments,
    check_database,
    order_report,
    percentile,
    prepare,
    scan_log,
    trigger_crons,
    wait_crons,
)
from common import (
    copy_database,
    drop_database,
    parse_args,
    pay,
    set_policy,
    shop_product,
    start_server,
    stop_server,
    superuser_env,
    wait_server,
    web_orders,
)
from odoo.modules.registry import Registry
from rr_proxy import RoundRobinProxy

sys.path.insert(
    0,
    os.path.join(
        os.path.dirname(__file__), "..", "addons", "delivery_biteship", "tests"
    ),
)
from biteship_server import BiteshipStandIn, max_in_window  # plain Python, no Odoo

API_KEY = "biteship_test.two-servers"
WORKERS = 2
CRON_THREADS = 1
# website_delivery_tracking's defaults, set here so that the check does not
# depend on them
MAX_PER_ADDRESS = 8
MAX_PER_ORDER = 4
BURST_THREADS = 8
# Odoo's request log line (werkzeug, with perf info: queries, query time,
# the rest of the time)
REQUEST = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) - '
    r"(?P<queries>\d+) (?P<sql>[\d.]+) (?P<rest>[\d.]+)"
)
CRON_DONE = re.compile(r"Job '(?P<name>[^']*)' \(\d+\) done in")


class CountingStandIn(BiteshipStandIn):
    """The stand-in counting booking requests per delivery: Biteship refuses
    a second order with a used reference_id, which would hide a booking
    made twice by two hosts."""

    def reset(self):
        super().reset()
        self.bookings = collections.Counter()

    def create_order(self, body):
        # a delivery's "-2", "-3" references (dead orders) count as its own
        reference = re.sub(r"-\d+$", "", body.get("reference_id") or "")
        with self.lock:
            self.bookings[reference] += 1
        return super().create_order(body)


def prepare_biteship(env, standin_url, count):
    """`count` paid and post-processed web orders of a Biteship method, left
    to the fulfilment crons (invoice, delivery, booking)."""
    if env.company.currency_id != env.ref("base.IDR"):
        env["res.currency.rate"].create(
            {"currency_id": env.ref("base.IDR").id, "rate": 16000.0}
        )
    carrier = env["delivery.carrier"].create(
        {
            "name": "Biteship JNE REG (two servers)",
            "delivery_type": "biteship",
            "product_id": env["product.product"]
            .create({"name": "Biteship JNE REG", "type": "service"})
            .id,
            "biteship_api_key": API_KEY,
            "biteship_base_url": standin_url,
            "biteship_courier_company": "jne",
            "biteship_courier_type": "reg",
            "tracking_create_label": False,
            "is_published": True,
        }
    )
    product = shop_product(env, "Two Kopi Gayo", 90000.0, 0.5)
    partners = env["res.partner"].create(
        [
            {
                "name": f"Two Customer {index}",
                "email": f"two{index}@example.com",
                "street": f"Jl. Braga {index + 1}",
                "city": "Bandung",
                "zip": "40111",
                "phone": f"+62 813 {index:07d}",
                "country_id": env.ref("base.id").id,
            }
            for index in range(count)
        ]
    )
    orders = web_orders(env, carrier, [(partner, product, 1) for partner in partners])
    params = env["ir.config_parameter"]
    set_policy(env, False)
    params.set_param("sale.async_emails", True)
    pay(orders)._post_process()
    orders.pending_email_template_id = False
    params.set_param("sale.async_emails", False)
    set_policy(env, True)
    params.set_param("website_delivery_tracking.max_per_address", MAX_PER_ADDRESS)
    params.set_param("website_delivery_tracking.max_per_order", MAX_PER_ORDER)
    return orders.ids


# ---------------------------------------------------------------------- #
# /track's limits through the proxy
# ---------------------------------------------------------------------- #


class SourceAddress(requests.adapters.HTTPAdapter):
    """Connections from one loopback address: a visitor of its own, whose
    address reaches Odoo through the proxy's X-Forwarded-For."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def visitor(address, url):
    """A visitor's session from `address` with the form's CSRF token (valid
    for the session: its guesses are POSTs alone, spread over the servers by
    the proxy, which each know the session: the hosts share data_dir)."""
    session = requests.Session()
    session.mount("http://", SourceAddress(address))
    form = session.get(f"{url}/track", timeout=60)
    session.csrf_token = re.search(
        r'name="csrf_token" value="([^"]+)"', form.text
    ).group(1)
    return session


def guess(session, url, reference):
    """A wrong guess on the public form: the answer's status and the server
    that gave it."""
    answer = session.post(
        f"{url}/track",
        data={
            "order": reference,
            "secret": "nobody@example.com",
            "csrf_token": session.csrf_token,
        },
        timeout=60,
        allow_redirects=False,
    )
    return answer.status_code, answer.headers.get("X-Upstream")


def track_limits(url, tag):
    """What the form answered: guesses accepted from one address before the
    refusal and the servers that counted them, the same for guesses sent in
    parallel, another address's first answer, guesses of one reference from
    several addresses accepted."""
    guesser = visitor("127.0.0.2", url)
    answers = [
        guess(guesser, url, f"{tag}-NOPE-{index}")
        for index in range(MAX_PER_ADDRESS + 2)
    ]
    accepted = [server for status, server in answers if status == 200]
    refused = [status for status, __ in answers if status == 429]
    other = guess(visitor("127.0.0.3", url), url, f"{tag}-OTHER")[0]
    same = [visitor(f"127.0.0.{10 + index}", url) for index in range(MAX_PER_ORDER + 2)]
    shared_ref = [guess(session, url, f"{tag}-SAME")[0] for session in same]
    # a guesser in a hurry: its guesses in parallel, more at once than the
    # servers have workers
    hurry = [visitor("127.0.0.4", url) for __ in range(3 * MAX_PER_ADDRESS)]
    with ThreadPoolExecutor(BURST_THREADS) as pool:
        burst = list(
            pool.map(
                lambda job: guess(job[1], url, f"{tag}-BURST-{job[0]}"),
                enumerate(hurry),
            )
        )
    return {
        "burst_accepted": sum(1 for status, __ in burst if status == 200),
        "address_accepted": len(accepted),
        "address_refused": len(refused),
        "address_servers": len(set(accepted)),
        "other_address": other,
        "reference_accepted": sum(1 for status in shared_ref if status == 200),
    }


# ---------------------------------------------------------------------- #
# One way: N servers behind the proxy
# ---------------------------------------------------------------------- #


def server_log_figures(log_path, window):
    """Per server: webhook requests, 200 answers per second of the sending
    window, server-side p95 ms, cron jobs done (by name)."""
    webhooks, ms = 0, []
    ok = 0
    crons = collections.Counter()
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = REQUEST.search(line)
            if match and match["path"].startswith("/delivery_tracking/webhook/"):
                webhooks += 1
                ok += match["status"] == "200"
                ms.append((float(match["sql"]) + float(match["rest"])) * 1000)
                continue
            match = CRON_DONE.search(line)
            if match:
                crons[match["name"]] += 1
    return {
        "webhooks": webhooks,
        "ok_per_s": ok / window,
        "p95": percentile(ms, 0.95),
        "crons": sum(crons.values()),
    }


def invoices_per_order(cr, order_ids):
    """(most posted customer invoices of one order, orders with more than one,
    orders with none)."""
    cr.execute(
        """
        SELECT so.id, count(DISTINCT am.id) FILTER (
                   WHERE am.move_type = 'out_invoice' AND am.state = 'posted')
          FROM sale_order so
          LEFT JOIN sale_order_line sol ON sol.order_id = so.id
          LEFT JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
          LEFT JOIN account_move_line aml ON aml.id = rel.invoice_line_id
          LEFT JOIN account_move am ON am.id = aml.move_id
         WHERE so.id = ANY(%s)
         GROUP BY so.id
        """,
        [list(order_ids)],
    )
    counts = [count for __, count in cr.fetchall()]
    return max(counts), sum(1 for c in counts if c > 1), sum(1 for c in counts if not c)


def bookings(cr, standin, biteship_ids):
    """(most booking requests for one delivery, deliveries with more than one
    request, most Biteship orders for one delivery, deliveries not booked)."""
    cr.execute(
        """SELECT p.name FROM stock_picking p
             JOIN stock_picking_type t ON t.id = p.picking_type_id
            WHERE p.sale_id = ANY(%s) AND t.code = 'outgoing'""",
        [list(biteship_ids)],
    )
    names = [name for (name,) in cr.fetchall()]
    with standin.lock:
        requests_per = [standin.bookings.get(name, 0) for name in names]
        orders = collections.Counter(
            re.sub(r"-\d+$", "", order["reference_id"] or "")
            for order in standin.orders.values()
        )
    orders_per = [orders.get(name, 0) for name in names]
    return (
        max(requests_per, default=0),
        sum(1 for count in requests_per if count > 1),
        max(orders_per, default=0),
        sum(1 for count in orders_per if not count),
    )


def poll_budget(registry, standin, biteship_ids, timeout=180):
    """Every active Biteship delivery due for a poll, polled at once by the
    servers' tracking cron and by this process: the requests the stand-in
    saw, the most in any second, the account's budget and the 429s."""
    from odoo.addons.delivery_carrier_tracking.shipment_rules import (
        ACTIVE_SHIPMENT_STATES,
    )

    with registry.cursor() as cr:
        env = superuser_env(cr)
        pickings = (
            env["sale.order"]
            .browse(biteship_ids)
            .picking_ids.filtered(
                lambda p: (
                    p.shipment_state in ACTIVE_SHIPMENT_STATES and p.carrier_shipment_id
                )
            )
        )
        if not pickings:
            return {
                "requests": 0,
                "max_per_s": 0,
                "rate": 0.0,
                "throttled": 0,
                "deliveries": 0,
                "stale": 0,
            }
        rate = pickings[0].carrier_id._tracking_account_rate()
        env.cr.execute(
            "UPDATE stock_picking SET tracking_next_poll_at ="
            " now() at time zone 'UTC' - interval '1 minute',"
            " tracking_last_news_at = now() at time zone 'UTC' - interval '1 day'"
            " WHERE id IN %s",
            [tuple(pickings.ids)],
        )
        cron = env.ref("delivery_carrier_tracking.ir_cron_tracking_update")
        ids = pickings.ids
    standin.rate_limit = 5  # Biteship's sandbox
    first, throttled = len(standin.request_times), standin.throttled
    with registry.cursor() as cr:
        superuser_env(cr)["ir.cron"].browse(cron.id)._trigger()
    deadline = time.monotonic() + timeout
    with registry.cursor() as cr:  # the third host
        superuser_env(cr)["stock.picking"]._cron_tracking_update(batch_size=len(ids))
    stale = len(ids)
    while time.monotonic() < deadline:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM stock_picking WHERE id IN %s"
                " AND tracking_last_news_at < now() at time zone 'UTC'"
                " - interval '1 hour'",
                [tuple(ids)],
            )
            stale = cr.fetchone()[0]
            if not stale:
                break
        time.sleep(1)
    standin.rate_limit = None
    times = standin.request_times[first:]
    return {
        "requests": len(times),
        "max_per_s": max_in_window(times),
        "rate": rate,
        "throttled": standin.throttled - throttled,
        "deliveries": len(ids),
        "stale": stale,
    }


def run_way(args, servers, standin):
    """The scenario on `servers` hosts; returns its figures."""
    started = time.monotonic()
    db = f"{args.db}_{'one' if servers == 1 else 'two'}"
    # ports of their own for each way: a port just closed is not free at once
    first = args.port + (0 if servers == 1 else 2)
    ports = [first + 2 * index for index in range(servers)]
    log_dir = tempfile.mkdtemp(prefix=f"bench_two_{servers}_")
    logs = [os.path.join(log_dir, f"odoo-{port}.log") for port in ports]
    deadline = started + args.time_limit
    standin.reset()
    standin.latency = args.latency
    copy_database(args.db, db)
    processes = []
    proxy = RoundRobinProxy(ports, port=args.port + 5 + servers).start()
    try:
        for port, log_path in zip(ports, logs, strict=True):
            processes.append(
                start_server(
                    args.conf,
                    db,
                    port,
                    log_path,
                    workers=WORKERS,
                    cron_threads=CRON_THREADS,
                    options=["--proxy-mode"],
                )
            )
        registry = Registry(db)
        for process, port in zip(processes, ports, strict=True):
            wait_server(process, f"http://127.0.0.1:{port}", 120)
        with registry.cursor() as cr:
            env = superuser_env(cr)(context={"tracking_disable": True})
            # labels load their CSS through the proxy, as behind a balancer
            data = prepare(env, args.orders, proxy.port)
            biteship_ids = prepare_biteship(env, standin.url, args.biteship)
        order_ids = data["order_ids"] + biteship_ids
        print(f"  {servers} server(s): set-up {time.monotonic() - started:.0f} s")
        proxy.reset_counts()
        trigger_crons(registry, data["crons"])
        run_start = time.monotonic()
        stop = threading.Event()
        shipments = Shipments(registry, data["carrier_id"], stop)
        shipments.start()
        while not shipments.count():
            if time.monotonic() > deadline or shipments.error:
                raise RuntimeError(f"no shipment found: {shipments.error}")
            time.sleep(0.5)
        load = Load(
            args.events,
            proxy.url,
            data["carrier_id"],
            data["secret"],
            shipments,
            run_start + (deadline - run_start) * 0.6,
            [],
        )
        load.run(args.clients)
        stop.set()
        requests_during_load = dict(proxy.counts)
        window = max(load.end - load.start, 1e-9)
        print(f"  {servers} server(s): webhooks sent in {window:.0f} s", flush=True)
        waiting = wait_crons(registry, order_ids, data["crons"], deadline)
        crons_s = time.monotonic() - run_start
        print(f"  {servers} server(s): crons done after {crons_s:.0f} s", flush=True)
        track = track_limits(proxy.url, f"W{servers}")
        budget = poll_budget(registry, standin, biteship_ids)
        with registry.cursor() as cr:
            checks = check_database(cr, data["carrier_id"], load.results)
            open_orders, exceptions, unshipped, unprocessed = order_report(
                superuser_env(cr), order_ids
            )
            invoices = invoices_per_order(cr, order_ids)
            booked = bookings(cr, standin, biteship_ids)
            reasons = sorted(set(exceptions.mapped("fulfilment_exception_reason")))
    finally:
        proxy.stop()
        for process in processes:
            stop_server(process)
        odoo.sql_db.close_all()
        if not args.keep:
            drop_database(db)
    results = load.results
    accepted = [r for r in results if r["status"] == 200 and r.get("applied")]
    forged = [r for r in results if r["kind"] == "forged" and r["status"] == 200]
    errors = [
        r for r in results if not isinstance(r["status"], int) or r["status"] >= 500
    ]
    conflicts = collections.Counter()
    log_errors = []
    for log_path in logs:
        counts, errors_of_log = scan_log(log_path)
        conflicts.update(counts)
        log_errors += errors_of_log
    return {
        "servers": servers,
        "ports": ports,
        "requests": requests_during_load,
        "per_server": {
            port: server_log_figures(log_path, window)
            for port, log_path in zip(ports, logs, strict=True)
        },
        "sent": len(results),
        "events_s": len(accepted) / window,
        "p50": percentile([r["ms"] for r in results], 0.5),
        "p95": percentile([r["ms"] for r in results], 0.95),
        "lost": checks["lost"],
        "duplicates": checks["duplicates"],
        "forged": len(forged) + checks["forged_rows"],
        "http_errors": len(errors),
        "multi_shipment": checks["multi_shipment"],
        "open_orders": len(open_orders),
        "exceptions": len(exceptions),
        "reasons": reasons,
        "unshipped": len(unshipped),
        "unprocessed": len(unprocessed),
        "waiting": waiting,
        "not_sent": len(load.plan),
        "invoices": invoices,
        "bookings": booked,
        "track": track,
        "budget": budget,
        "crons_s": crons_s,
        "total_s": time.monotonic() - started,
        "conflicts": conflicts,
        "log_errors": log_errors,
        "log_dir": log_dir,
    }


# ---------------------------------------------------------------------- #


def problems_of(way):
    """The failed checks of one way."""
    track = way["track"]
    checks = {
        "events lost": way["lost"],
        "duplicate event rows": way["duplicates"],
        "forged accepted": way["forged"],
        "HTTP errors (5xx, timeouts)": way["http_errors"],
        "orders not invoiced and reconciled": way["open_orders"],
        "orders with more than one invoice": way["invoices"][1],
        "orders without an invoice": way["invoices"][2],
        "deliveries with more than one shipment": way["multi_shipment"],
        "Biteship deliveries booked more than once": way["bookings"][1],
        "Biteship deliveries not booked": way["bookings"][3],
        "provider polls above the budget in a second": int(
            way["budget"]["max_per_s"] > way["budget"]["rate"]
        ),
        "provider 429s": way["budget"]["throttled"],
        # the budget check means something only if the polls were made
        "no Biteship delivery to poll": not way["budget"]["deliveries"],
        "deliveries not polled in the time limit": way["budget"]["stale"],
        "fewer provider polls than deliveries": way["budget"]["requests"]
        < way["budget"]["deliveries"],
        "orders or payments still waiting": way["waiting"],
        "events not sent in the time limit": way["not_sent"],
        "/track: one address's guesses != max_per_address": track["address_accepted"]
        != MAX_PER_ADDRESS,
        "/track: parallel guesses of one address != max_per_address": track[
            "burst_accepted"
        ]
        != MAX_PER_ADDRESS,
        "/track: another address refused": track["other_address"] != 200,
        "/track: one reference's guesses != max_per_order": track["reference_accepted"]
        != MAX_PER_ORDER,
    }
    if way["servers"] > 1:
        checks["/track: guesses not spread over the servers"] = (
            track["address_servers"] < way["servers"]
        )
    return [
        f"{way['servers']} server(s): {name}" for name, bad in checks.items() if bad
    ]


def report(args, ways, load_before, load_after):
    print(
        f"\nTwo servers, one database: {args.orders} + {args.biteship} Biteship "
        f"orders, {args.events} webhook events from {args.clients} clients through "
        f"a round-robin proxy; each server --workers={WORKERS} "
        f"--max-cron-threads={CRON_THREADS} --proxy-mode; Biteship stand-in "
        f"latency {args.latency * 1000:.0f} ms; load average {load_before} before, "
        f"{load_after} after"
    )
    names = [
        f"{way['servers']} server{'s' if way['servers'] > 1 else ''}" for way in ways
    ]
    rows = [("", names)]

    def row(name, key):
        rows.append((name, [key(way) for way in ways]))

    def per_server(way, figure, fmt):
        return " / ".join(
            fmt.format(way["per_server"][port][figure]) for port in way["ports"]
        )

    row(
        "requests per server (proxy)",
        lambda w: " / ".join(str(w["requests"][p]) for p in w["ports"]),
    )
    row(
        "webhook events/s per server (200)",
        lambda w: per_server(w, "ok_per_s", "{:.1f}"),
    )
    row(
        "webhook p95 ms per server (server side)",
        lambda w: per_server(w, "p95", "{:.0f}"),
    )
    row("cron jobs run per server", lambda w: per_server(w, "crons", "{}"))
    row("events sent", lambda w: w["sent"])
    row("events/s accepted", lambda w: f"{w['events_s']:.1f}")
    row("latency p50 / p95 ms (client)", lambda w: f"{w['p50']:.0f} / {w['p95']:.0f}")
    row("events lost / duplicated", lambda w: f"{w['lost']} / {w['duplicates']}")
    row("forged accepted", lambda w: w["forged"])
    row("HTTP errors (5xx, timeouts)", lambda w: w["http_errors"])
    row(
        "invoices per order: most / >1 / none",
        lambda w: " / ".join(map(str, w["invoices"])),
    )
    row(
        "Biteship bookings per delivery: most requests / >1",
        lambda w: f"{w['bookings'][0]} / {w['bookings'][1]}",
    )
    row(
        "Biteship orders per delivery: most / not booked",
        lambda w: f"{w['bookings'][2]} / {w['bookings'][3]}",
    )
    row("deliveries with > 1 shipment", lambda w: w["multi_shipment"])
    row("orders not invoiced + reconciled", lambda w: w["open_orders"])
    row(
        "deliveries without shipment / payments not processed",
        lambda w: f"{w['unshipped']} / {w['unprocessed']}",
    )
    row("orders or payments waiting at the time limit", lambda w: w["waiting"])
    row(
        "/track one address: accepted / refused (servers)",
        lambda w: "{address_accepted} / {address_refused} ({address_servers})".format(
            **w["track"]
        ),
    )
    row(
        f"/track one address, {3 * MAX_PER_ADDRESS} in parallel: accepted",
        lambda w: w["track"]["burst_accepted"],
    )
    row("/track another address: status", lambda w: w["track"]["other_address"])
    row(
        "/track one reference, 6 addresses: accepted",
        lambda w: w["track"]["reference_accepted"],
    )
    row(
        "provider polls: requests / most in 1 s / budget / 429s",
        lambda w: "{requests} / {max_per_s} / {rate:g} / {throttled}".format(
            **w["budget"]
        ),
    )
    row("crons finished after s", lambda w: f"{w['crons_s']:.0f}")
    row(
        "log: serialization / deadlocks / lock timeouts",
        lambda w: "{serialization} / {deadlock} / {lock timeout}".format(
            **w["conflicts"]
        ),
    )
    row(
        "log: other ERROR lines / tracebacks",
        lambda w: f"{len(w['log_errors'])} / {w['conflicts']['traceback']}",
    )
    width = max(len(name) for name, __ in rows)
    cells = [max(len(str(values[i])) for __, values in rows) for i in range(len(ways))]
    for name, values in rows:
        print(
            f"{name:<{width}} | "
            + " | ".join(f"{v!s:>{cells[i]}}" for i, v in enumerate(values))
        )
    problems = [problem for way in ways for problem in problems_of(way)]
    for way in ways:
        for reason in way["reasons"][:5]:
            print(f"  {way['servers']} server(s) exception: {reason[:300]}")
        for line in way["log_errors"][:8]:
            print(f"  {way['servers']} server(s) log: {line}")
        print(f"  {way['servers']} server(s) logs: {way['log_dir']}")
    if problems:
        print("FAILED: " + "; ".join(problems))
        sys.exit(1)


def uptime():
    return (
        subprocess.run(["uptime"], capture_output=True, text=True, check=False)
        .stdout.split("load average:")[-1]
        .strip()
    )


def main():
    args = parse_args(
        __doc__,
        orders=(int, 80),
        events=(int, 400),
        clients=(int, 12),
        biteship=(int, 20),
        latency=(float, 0.2),
        port=(int, 18160),
        time_limit=(int, 600),
        keep=(int, 0),
        ways=(str, "1,2"),
    )
    random.seed(22)
    # parsed once: a second parse_config after a registry was loaded fails
    # (KeyError load_language), hence no common.load_registry per way
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level", "error"])
    odoo.tools.config["max_cron_threads"] = 0
    odoo.modules.module.initialize_sys_path()
    load_before = uptime()
    standin = CountingStandIn(api_key=API_KEY, port=args.port + 9).start()
    try:
        ways = [
            run_way(args, int(servers), standin) for servers in args.ways.split(",")
        ]
    finally:
        standin.stop()
    report(args, ways, load_before, uptime())


if __name__ == "__main__":
    main()
