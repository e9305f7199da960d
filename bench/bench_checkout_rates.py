"""Benchmark: the checkout's delivery step with several courier services, for
Biteship and KiriminAja.

A portal customer, logged in over HTTP on a real odoo-bin server, opens the
delivery step (/shop/checkout) and their browser then makes the requests
website_sale's checkout.js makes: /shop/set_delivery_method for the selected
method, /shop/get_delivery_rate for every other one, in parallel. Biteship and
KiriminAja are their stand-in servers on loopback with --latency seconds added
to each answer (the real APIs' round trip). Five shops:

- one service: one Biteship method, JNE REG (single-service mode);
- 6 services, one method: one rate-shopping method offering JNE REG, J&T EZ,
  SiCepat REG, AnterAja REG, GoSend and GrabExpress Instant;
- 6 methods: the same six services as six single-service methods (the only
  way before rate shopping);
- KiriminAja, one method: one rate-shopping KiriminAja method (JNE: REG and
  YES);
- both providers: the Biteship and the KiriminAja rate-shopping methods side
  by side (issue 20: one request per cart for each provider).

Before each measured page the cart changes (one more item: a new weight), so
that every page needs new rates; a reload of the same cart is measured too.
The table gives medians of --rounds pages and each provider's rates requests
per cart change and page (core re-prices the chosen method when the cart
changes: that request counts with the page's). Exit status 1 when a
rate-shopping page makes more than one request of a provider or shows fewer
services than its methods offer.

Usage:
    .venv/bin/python bench/bench_checkout_rates.py --db DB --conf CONF
        [--rounds 10] [--latency 0.2] [--port PORT] [--keep 0]

--db needs our modules installed and no open connection (it is the template
of the copy <db>_rates, dropped at the end with its filestore).
"""

import os
import re
import statistics
import sys
import tempfile
import time
from argparse import Namespace
from concurrent.futures import ThreadPoolExecutor

import odoo
from common import (
    copy_database,
    drop_database,
    load_registry,
    parse_args,
    portal_login,
    start_server,
    stop_server,
    superuser_env,
    wait_server,
)

sys.path.insert(
    0,
    os.path.join(
        os.path.dirname(__file__), "..", "addons", "delivery_biteship", "tests"
    ),
)
from biteship_server import BiteshipStandIn  # plain Python, no Odoo

sys.path.insert(
    0,
    os.path.join(
        os.path.dirname(__file__), "..", "addons", "delivery_kiriminaja", "tests"
    ),
)
from kiriminaja_server import KiriminAjaStandIn  # plain Python, no Odoo

API_KEY = "biteship_test.bench"
KIRIMINAJA_KEY = "kiriminaja-bench-key"
KIRIMINAJA_PRICES = "/api/mitra/v6.1/shipping_price"
# the KiriminAja stand-in's district of Gambir, Jakarta Pusat
KIRIMINAJA_DISTRICT = (2001, "Gambir, Kota Jakarta Pusat, DKI Jakarta")
LOGIN = "rates.bench@example.id"
PASSWORD = "rates-bench-2024"
SIX = [
    "jne:reg",
    "jnt:ez",
    "sicepat:reg",
    "anteraja:reg",
    "gojek:instant",
    "grab:instant",
]
RADIO = re.compile(r'<input[^>]*name="o_delivery_radio"[^>]*>')


def prepare(env, standin_url, kiriminaja_url):
    """Shop, customer and the carriers of the five shops (unpublished), with
    their shop's expected services."""
    company = env.company
    company.partner_id.write(
        {
            "street": "Jl. Gudang 1",
            "city": "Jakarta",
            "zip": "10110",
            "phone": "+62 21 555 0100",
            "partner_latitude": -6.1754,
            "partner_longitude": 106.8272,
        }
    )
    env["res.currency.rate"].create(
        {"currency_id": env.ref("base.IDR").id, "rate": 16000.0}
    )
    product = env["product.product"].create(
        {
            "name": "Kopi Bench",
            "type": "consu",
            "weight": 0.4,
            "list_price": 10.0,
            "is_published": True,
        }
    )
    user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Rates Bench",
                "login": LOGIN,
                "password": PASSWORD,
                "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
            }
        )
    )
    user.partner_id.write(
        {
            "street": "Jl. Melati 7",
            "city": "Jakarta Pusat",
            "zip": "10330",
            "phone": "+62 812 3456 7890",
            "email": LOGIN,
            "country_id": env.ref("base.id").id,
            "state_id": env["res.country.state"]
            .search([("country_id", "=", env.ref("base.id").id), ("code", "=", "JK")])
            .id,
            "partner_latitude": -6.1944,
            "partner_longitude": 106.8405,
        }
    )
    # the districts KiriminAja prices between (kept on the contacts as the
    # first checkout would find them)
    (company.partner_id | user.partner_id).write(
        {
            "kiriminaja_district_id": KIRIMINAJA_DISTRICT[0],
            "kiriminaja_district_name": KIRIMINAJA_DISTRICT[1],
        }
    )
    env["delivery.carrier"].search([]).is_published = False

    def carrier(name, **vals):
        return env["delivery.carrier"].create(
            {
                "name": name,
                "delivery_type": "biteship",
                "product_id": env["product.product"]
                .create({"name": name, "type": "service"})
                .id,
                "biteship_api_key": API_KEY,
                "biteship_base_url": standin_url,
                "is_published": False,
                **vals,
            }
        )

    def single(service):
        company_code, service_code = service.split(":")
        return carrier(
            f"Biteship {service}",
            biteship_courier_company=company_code,
            biteship_courier_type=service_code,
        )

    biteship_six = carrier(
        "Biteship couriers",
        checkout_rate_shopping=True,
        biteship_services=", ".join(SIX),
    )
    kiriminaja = env["delivery.carrier"].create(
        {
            "name": "KiriminAja JNE",
            "delivery_type": "kiriminaja",
            "product_id": env["product.product"]
            .create({"name": "KiriminAja JNE", "type": "service"})
            .id,
            "kiriminaja_api_key": KIRIMINAJA_KEY,
            "kiriminaja_base_url": kiriminaja_url,
            "kiriminaja_courier": "jne",
            "kiriminaja_service": "REG23",
            "checkout_rate_shopping": True,
            "is_published": False,
        }
    )
    # shop: (its methods, the services its page must show)
    shops = {
        "one service": ([single("jne:reg").id], 1),
        "6 services, one method": ([biteship_six.id], 6),
        "6 methods": ([single(service).id for service in SIX], 6),
        "KiriminAja, one method": ([kiriminaja.id], 2),
        "both providers": ([biteship_six.id, kiriminaja.id], 8),
    }
    return {"product_id": product.id, "shops": shops}


def rpc(session, url, route, params):
    answer = session.post(
        f"{url}{route}",
        json={"jsonrpc": "2.0", "method": "call", "id": 0, "params": params},
        timeout=120,
    )
    answer.raise_for_status()
    body = answer.json()
    assert "error" not in body, body["error"]
    return body["result"]


def delivery_step(session, url):
    """The page and the requests its checkout.js makes: seconds, answers."""
    start = time.perf_counter()
    page = session.get(f"{url}/shop/checkout", timeout=120)
    page.raise_for_status()
    radios = RADIO.findall(page.text)
    checked = [r for r in radios if "checked" in r]
    ids = [int(re.search(r'data-dm-id="(\d+)"', r).group(1)) for r in radios]
    answers = []
    if checked:
        selected = int(re.search(r'data-dm-id="(\d+)"', checked[0]).group(1))
        answers.append(
            rpc(session, url, "/shop/set_delivery_method", {"dm_id": selected})
        )
        ids.remove(selected)
    with ThreadPoolExecutor(max(1, len(ids))) as pool:
        answers += pool.map(
            lambda dm: rpc(session, url, "/shop/get_delivery_rate", {"dm_id": dm}), ids
        )
    return time.perf_counter() - start, answers


def main():
    args = parse_args(
        __doc__, rounds=(int, 10), latency=(float, 0.2), port=(int, 0), keep=(int, 0)
    )
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level", "error"])
    port = args.port or odoo.tools.config["http_port"]
    url = f"http://127.0.0.1:{port}"
    db = f"{args.db}_rates"
    log_path = os.path.join(tempfile.mkdtemp(prefix="bench_rates_"), "odoo.log")
    standin = BiteshipStandIn(api_key=API_KEY).start()
    standin.latency = args.latency
    kiriminaja = KiriminAjaStandIn(KIRIMINAJA_KEY).start()
    kiriminaja.delay = args.latency

    def requests_made():
        return (
            len(standin.rates_requests),
            len(kiriminaja.calls(KIRIMINAJA_PRICES)),
        )

    copy_database(args.db, db)
    server = None
    rows, problems = [], []
    try:
        registry = load_registry(Namespace(db=db, conf=args.conf))
        with registry.cursor() as cr:
            data = prepare(superuser_env(cr), standin.url, kiriminaja.url)
        odoo.sql_db.close_db(db)
        server = start_server(args.conf, db, port, log_path, workers=4, cron_threads=2)
        wait_server(server, url, 120)
        session = portal_login(url, LOGIN, PASSWORD)
        published = []
        for name, (carrier_ids, expected) in data["shops"].items():
            with registry.cursor() as cr:
                carriers = superuser_env(cr)["delivery.carrier"]
                carriers.browse(published).is_published = False
                carriers.browse(carrier_ids).is_published = True
            published = carrier_ids
            cold, calls, services = [], [], []
            for index in range(args.rounds + 1):  # the first one warms up
                # the cart's update re-prices its delivery (core): counted too
                before = requests_made()
                rpc(
                    session,
                    url,
                    "/shop/cart/update_json",
                    {"product_id": data["product_id"], "add_qty": 1},
                )
                seconds, answers = delivery_step(session, url)
                if index:
                    cold.append(seconds)
                    calls.append(
                        [a - b for a, b in zip(requests_made(), before, strict=True)]
                    )
                    # each method's services, or 1 for a method without
                    services.append(
                        sum(
                            len(a.get("delivery_services") or [])
                            or int(bool(a.get("success")))
                            for a in answers
                        )
                    )
            before = requests_made()
            warm = [delivery_step(session, url)[0] for _ in range(args.rounds)]
            rows.append(
                {
                    "shop": name,
                    "services": min(services),
                    "cold_ms": statistics.median(cold) * 1000,
                    "biteship": max(c[0] for c in calls),
                    "kiriminaja": max(c[1] for c in calls),
                    "warm_ms": statistics.median(warm) * 1000,
                    "warm_calls": sum(requests_made()) - sum(before),
                }
            )
            rate_shopping = name != "one service" and name != "6 methods"
            if min(services) < expected or (
                rate_shopping and max(max(c) for c in calls) > 1
            ):
                problems.append(
                    f"{name}: {max(c[0] for c in calls)} Biteship and "
                    f"{max(c[1] for c in calls)} KiriminAja requests per page, "
                    f"{min(services)} services shown ({expected} expected)"
                )
    finally:
        if server:
            stop_server(server)
        standin.stop()
        kiriminaja.stop()
        if not args.keep:
            drop_database(db)
    print(
        f"\nCheckout delivery step (/shop/checkout + checkout.js's rate requests) as a "
        f"portal customer over HTTP; provider latency {args.latency * 1000:.0f} ms; "
        f"medians of {args.rounds} pages"
    )
    print(
        "shop                   | services | new cart: page ms | Biteship calls | "
        "KiriminAja calls | same cart: page ms | calls"
    )
    for row in rows:
        print(
            f"{row['shop']:<22} | {row['services']:>8} | {row['cold_ms']:>17.0f} | "
            f"{row['biteship']:>14} | {row['kiriminaja']:>16} | "
            f"{row['warm_ms']:>18.0f} | {row['warm_calls'] / args.rounds:>5.1f}"
        )
    for problem in problems:
        print(f"PROBLEM: {problem}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
