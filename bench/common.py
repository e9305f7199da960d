"""What the benchmarks share: Odoo set-up from --db/--conf, test deliveries,
timing; for those measuring over HTTP, a database copy served by odoo-bin, the
web shop's set-up, portal logins and signed tracking webhooks.

Each benchmark creates its data in one transaction and rolls it back, so a
benchmark database can be reused; those measuring as production runs (commits
after each unit of work: measure_committed) say so and leave their data.
"""

import argparse
import hashlib
import hmac
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta, timezone

import odoo
import requests
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

WIB = timezone(timedelta(hours=7))  # the carriers' time zone in their events


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


def clone_deliveries(env, pickings, count):
    """`count` more deliveries: rows of `pickings` (cycled) and their moves
    copied in SQL, named after their new id. For set-ups at 10,000
    deliveries, which through the ORM took longer than what they measure."""
    env.flush_all()
    cr = env.cr

    def columns(table):
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s"
            " AND column_name != 'id' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cr.fetchall()]

    sources = [pickings.ids[index % len(pickings)] for index in range(count)]
    picking_columns = columns("stock_picking")
    quoted = ", ".join(f'"{c}"' for c in picking_columns)
    # unique per company: the source's name and the copy's number
    values = ", ".join(
        "p.name || '/' || s.n" if c == "name" else f'p."{c}"' for c in picking_columns
    )
    cr.execute(
        f"INSERT INTO stock_picking ({quoted}) SELECT {values}"
        " FROM unnest(%s::int[]) WITH ORDINALITY AS s(src, n)"
        " JOIN stock_picking p ON p.id = s.src ORDER BY s.n RETURNING id",
        [sources],
    )
    new_ids = [row[0] for row in cr.fetchall()]
    move_columns = columns("stock_move")
    quoted = ", ".join(f'"{c}"' for c in move_columns)
    values = ", ".join(
        "c.new_id" if c == "picking_id" else f'm."{c}"' for c in move_columns
    )
    cr.execute(
        f"INSERT INTO stock_move ({quoted}) SELECT {values}"
        " FROM unnest(%s::int[], %s::int[]) AS c(new_id, src)"
        " JOIN stock_move m ON m.picking_id = c.src",
        [new_ids, sources],
    )
    env.invalidate_all()
    return env["stock.picking"].browse(new_ids)


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


# ---------------------------------------------------------------------- #
# Benchmarks over HTTP: a copy of --db served by odoo-bin
# ---------------------------------------------------------------------- #


def copy_database(source, target):
    """`target` as a copy of `source` with its filestore (like scripts/lib.sh)."""
    drop_database(target)
    subprocess.run(["createdb", "-T", source, target], check=True)
    filestore = odoo.tools.config.filestore(source)
    if os.path.isdir(filestore):
        shutil.copytree(filestore, odoo.tools.config.filestore(target))


def drop_database(name):
    odoo.sql_db.close_db(name)
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
    shutil.rmtree(odoo.tools.config.filestore(name), ignore_errors=True)


def check_port_free(port):
    """Refuse to run against whatever already answers on the port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise RuntimeError(f"port {port} is in use: {error}") from error


def start_server(conf, db, port, log_path, workers=0, cron_threads=0, options=()):
    """odoo-bin serving only `db` on loopback, requests logged at info in
    `log_path`; with workers, in prefork mode (the websocket server on the
    next port); `options`: more odoo-bin options."""
    check_port_free(port)
    command = [
        sys.executable,
        os.path.join(os.path.dirname(odoo.__path__[0]), "odoo-bin"),
        "-c",
        conf,
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--workers={workers}",
        f"--max-cron-threads={cron_threads}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        *([f"--gevent-port={port + 1}"] if workers else []),
        f"--logfile={log_path}",
        "--log-level=info",
        *options,
    ]
    # own session: the whole process group (workers, wkhtmltopdf) is ended
    with open(f"{log_path}.out", "w") as output:
        return subprocess.Popen(
            command, start_new_session=True, stdout=output, stderr=output
        )


def wait_server(process, url, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if requests.get(f"{url}/web/health", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server did not answer within {limit} s")


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def portal_login(url, login, password):
    """A browser-like session of a portal user, logged in through /web/login."""
    session = requests.Session()
    page = session.get(f"{url}/web/login", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{url}/web/login",
        data={"login": login, "password": password, "csrf_token": token},
        timeout=60,
    )
    answer.raise_for_status()
    assert session.cookies.get("session_id"), "no session"
    assert "/web/login" not in answer.url, "login refused"
    return session


# ---------------------------------------------------------------------- #
# The web shop and the in-house carrier's tracking webhook
# ---------------------------------------------------------------------- #


def shop_setup(env):
    """The company's warehouse address in Jakarta, the demo payment provider
    enabled, and the shop's settings that would measure something else."""
    env.company.partner_id.write(
        {
            "street": "Jl. Gudang 1",
            "city": "Jakarta",
            "zip": "10110",
            "phone": "021 555 0101",
            "country_id": env.ref("base.id").id,
        }
    )
    # core's own invoicing at payment would do our automation's work
    env["ir.config_parameter"].set_param("sale.automatic_invoice", False)
    # order confirmation mails without their PDF: one wkhtmltopdf run per
    # order would be measured instead of the flow
    env.ref("sale.mail_template_sale_confirmation").report_template_ids = False
    provider = env.ref("payment.payment_provider_demo")
    if provider.state == "disabled":
        provider.write({"state": "test", "is_published": True})


def in_house_carrier(env, name, secret, **vals):
    """A published carrier at a fixed 15,000 without a carrier API; its
    tracking webhook is signed with `secret`."""
    return env["delivery.carrier"].create(
        {
            "name": name,
            "delivery_type": "fixed",
            "fixed_price": 15000.0,
            "product_id": env["product.product"]
            .create({"name": name, "type": "service", "sale_ok": False})
            .id,
            "tracking_webhook_secret": secret,
            "is_published": True,
            **vals,
        }
    )


def shop_product(env, name, price, weight):
    return env["product.product"].create(
        {
            "name": name,
            "type": "consu",
            "list_price": price,
            "weight": weight,
            "taxes_id": [],
        }
    )


def web_orders(env, carrier, lines):
    """Orders of the company's website, one a (customer, product, quantity),
    with `carrier`'s delivery line."""
    website = env["website"].search([("company_id", "=", env.company.id)], limit=1)
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "website_id": website.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": quantity})
                ],
            }
            for partner, product, quantity in lines
        ]
    )
    for order in orders:
        order.set_delivery_line(carrier, carrier.fixed_price)
    return orders


def set_policy(env, on):
    env.company.fulfilment_auto_invoice = on
    env["website"].search([]).fulfilment_auto_validate_delivery = on


def pay(orders):
    """A payment_demo transaction done for each order, as the shop makes it
    (not post-processed yet)."""
    env = orders.env
    txs = env["payment.transaction"].create(
        [
            {
                "provider_id": env.ref("payment.payment_provider_demo").id,
                "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-LOAD",
                "operation": "online_redirect",
                "sale_order_ids": [(6, 0, order.ids)],
            }
            for order in orders
        ]
    )
    for tx in txs:
        tx.action_demo_set_done()
    return txs


def tracking_event(event_id, when, status, description, location):
    """One event in the generic JSON webhook format, its time in WIB."""
    return {
        "id": event_id,
        "time": when.astimezone(WIB).isoformat(timespec="seconds"),
        "status": status,
        "status_code": status.upper(),
        "description": description,
        "location": location,
    }


def webhook_headers(secret, raw):
    """The headers of a webhook call of body `raw` signed as the carrier
    signs it (HMAC-SHA256 of "<timestamp>.<body>")."""
    timestamp = str(int(time.time()))
    signature = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256
    ).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Tracking-Timestamp": timestamp,
        "X-Tracking-Signature": signature,
    }
