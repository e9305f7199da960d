"""The shipping desk and the guest's /track page, in a real browser.

Three paid web orders of the customer go out with the shop's express
courier, whose label sheet is A4 with 4 labels. The warehouse validates the
three deliveries (numbers and labels), then prints all the labels at once:
one PDF, one A4 page. The courier's app reports one parcel out for delivery,
one in trouble (exception), and the third said nothing for five days:
*Inventory > Shipments to Watch* lists those two under the courier, each with
its reason. The customer, not logged in, follows the first order on /track
with the order number and her email: the timeline and the courier's events,
nothing personal beyond the city, no label.
"""

import subprocess
from datetime import datetime, timedelta, timezone

import e2e_data
import pytest
from e2e_browser import doc_pdf_screenshot
from e2e_data import read_one

EXPRESS_WEBHOOK_SECRET = "kurir-toko-kilat-webhook-secret"
LABELS_REPORT = "delivery_carrier_tracking_label_print.report_shipping_labels"


@pytest.fixture(scope="module")
def express_carrier(odoo_server, shop):
    """The shop's express courier: waybill numbers from a sequence, labels
    printed four to an A4 sheet, its app posting signed webhooks."""
    server = odoo_server
    sequence = server.execute(
        "ir.sequence",
        "create",
        {"name": "Kurir Toko Kilat waybills", "prefix": "KK", "padding": 8},
    )
    product = server.execute(
        "product.product",
        "create",
        {"name": "Kurir Toko Kilat", "type": "service", "invoice_policy": "order"},
    )
    return server.execute(
        "delivery.carrier",
        "create",
        {
            "name": "Kurir Toko Kilat",
            "delivery_type": "fixed",
            "fixed_price": 20000.0,
            "product_id": product,
            "tracking_create_label": True,
            "tracking_sequence_id": sequence,
            "tracking_url": e2e_data.IN_HOUSE_TRACKING_URL,
            "tracking_webhook_secret": EXPRESS_WEBHOOK_SECRET,
            "label_print_format": "a4",
        },
    )


@pytest.fixture(scope="module")
def shipped(odoo_server, shop, express_carrier):
    """Three paid orders, their deliveries validated by the warehouse:
    [{order, name, picking, number}]."""
    server = odoo_server
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=False)
    result = []
    for _index in range(3):
        order = server.execute(
            "sale.order",
            "create",
            {
                "partner_id": shop.customer_partner_id,
                "website_id": shop.website_id,
                "carrier_id": express_carrier,
                "order_line": [(0, 0, {"product_id": shop.product_id})],
            },
        )
        server.execute("sale.order", "action_confirm", [order])
        e2e_data.pay_online(server, shop.provider_id, order)
        picking = e2e_data.delivery_of(server, order)
        e2e_data.validate_delivery(server, picking)
        number = read_one(server, "stock.picking", picking, ["carrier_tracking_ref"])[
            "carrier_tracking_ref"
        ]
        assert number.startswith("KK"), number
        name = read_one(server, "sale.order", order, ["name"])["name"]
        result.append(
            {"order": order, "name": name, "picking": picking, "number": number}
        )
    return result


def courier_reports(server, carrier, number, events):
    """The courier's app posts its events, signed: [(hours ago, status,
    description, location)]."""
    now = datetime.now(timezone.utc)
    answer = e2e_data.signed_post(
        f"{server.url}/delivery_tracking/webhook/{carrier}",
        EXPRESS_WEBHOOK_SECRET,
        {
            "tracking_number": number,
            "events": [
                {
                    "id": f"{number}-{index}",
                    "time": (now - timedelta(hours=hours)).isoformat(),
                    "status": status,
                    "description": description,
                    "location": location,
                }
                for index, (hours, status, description, location) in enumerate(events)
            ],
        },
    )
    assert answer.status_code == 200, answer.text
    assert e2e_data.apply_webhook_inbox(server)["applied"] == 1


def pdf_text(pdf):
    """The PDF's text, page by page (poppler's pdftotext)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    return text.split("\f")[:-1]


def test_label_sheet(odoo_server, shipped):
    """Print > Shipping Labels on the three deliveries: one PDF, their three
    labels on one A4 sheet, each with its waybill number."""
    server = odoo_server
    pickings = [row["picking"] for row in shipped]
    action = server.execute("stock.picking", "action_print_shipping_labels", pickings)
    assert action["report_name"] == LABELS_REPORT, action
    # what the client downloads for that action, in the clerk's session
    session = e2e_data.web_session(server.url, server.db, server.login, server.password)
    answer = session.get(
        f"{server.url}/report/pdf/{LABELS_REPORT}/{','.join(map(str, pickings))}",
        timeout=300,
    )
    assert answer.status_code == 200, answer.status_code
    pdf = answer.content
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    pages = pdf_text(pdf)
    assert len(pages) == 1, f"{len(pages)} pages for 3 labels on A4"
    for row in shipped:
        assert row["number"] in pages[0], (row["number"], pages[0])
        assert row["name"] in pages[0], (row["name"], pages[0])
    doc_pdf_screenshot(pdf, "label-sheet")


@pytest.fixture(scope="module")
def reported(odoo_server, express_carrier, shipped):
    """The courier's app: the first parcel out for delivery, the second in
    trouble, the third picked up five days ago and nothing since."""
    server = odoo_server
    on_way, trouble, silent = shipped
    courier_reports(
        server,
        express_carrier,
        on_way["number"],
        [
            (5, "picked_up", "Picked up at Toko Batik Nusantara", "Jakarta Pusat"),
            (3, "in_transit", "At the Menteng hub", "Menteng"),
            (1, "out_for_delivery", "With the courier, Budi", "Cikini"),
        ],
    )
    courier_reports(
        server,
        express_carrier,
        trouble["number"],
        [(2, "exception", "Address not found, customer unreachable", "Cikini")],
    )
    courier_reports(
        server,
        express_carrier,
        silent["number"],
        [(5 * 24, "picked_up", "Picked up at Toko Batik Nusantara", "Jakarta")],
    )
    return shipped


def test_shipments_to_watch(chromium, odoo_server, express_carrier, reported):
    """The parcel in trouble and the silent one are on the watch list, under
    their courier, each with its reason; the parcel on its way is not."""
    server = odoo_server
    on_way, trouble, silent = reported
    watched = {
        row["id"]: row["watch_reason"]
        for row in server.execute(
            "stock.picking",
            "search_read",
            [("watch_reason", "!=", False), ("carrier_id", "=", express_carrier)],
            fields=["watch_reason"],
        )
    }
    assert watched == {trouble["picking"]: "exception", silent["picking"]: "no_news"}

    page = chromium.new_page(width=1440)  # the list's columns unabridged
    page.login(server.url, server.login, server.password)
    page.goto(
        f"{server.url}/odoo/action-delivery_carrier_tracking.action_shipments_to_watch"
    )
    page.click(".o_list_view .o_group_header", text="Kurir Toko Kilat")
    rows = ".o_list_view .o_data_row"
    page.wait_js(
        f"document.querySelectorAll({rows!r}).length >= 2", what="the watched rows"
    )
    texts = page.js(
        f"[...document.querySelectorAll({rows!r})].map(row => row.innerText)"
    )
    on_way_name, trouble_name, silent_name = (
        read_one(server, "stock.picking", row["picking"], ["name"])["name"]
        for row in (on_way, trouble, silent)
    )
    shown = {
        name: text
        for name in (on_way_name, trouble_name, silent_name)
        for text in texts
        if name in text
    }
    assert on_way_name not in shown, texts
    assert "Shipment exception" in shown[trouble_name], texts
    assert "No carrier event" in shown[silent_name], texts
    page.doc_screenshot("shipments-to-watch", until=".o_list_view .o_list_table")


def test_guest_tracks_the_order(chromium, odoo_server, shop, reported):
    """The customer, not logged in: order number and email on /track, then
    the order's page: timeline, the courier's events and link, the city,
    nothing else about her and no label."""
    server = odoo_server
    on_way = reported[0]
    page = chromium.new_page()
    page.goto(f"{server.url}/track")
    page.fill("input[name=order]", on_way["name"])
    page.fill("input[name=secret]", shop.customer_login)
    page.click("button.o_tracking_submit", navigates=True, url_part="/track/")
    page.wait_for(".o_tracking_order_name", text=on_way["name"])
    card = f'.o_tracking_shipment[data-picking-id="{on_way["picking"]}"]'
    page.wait_for(f"{card} .o_tracking_timeline", text="With the courier, Budi")
    assert "Out for Delivery" in page.text(f"{card} .card-header")
    events = page.js(
        f"document.querySelectorAll('{card} .o_tracking_timeline li').length"
    )
    assert events == 3, events
    links = page.attr_all(f"{card} .o_tracking_parcel a", "href")
    assert links == [
        e2e_data.tracking_link(e2e_data.IN_HOUSE_TRACKING_URL, on_way["number"])
    ], links
    steps = page.js(
        """[...document.querySelectorAll('#fulfilment_timeline .o_fulfilment_step')]
            .map(li => [li.dataset.step,
                        li.classList.contains('o_fulfilment_step_done')])"""
    )
    assert ["paid", True] in steps and ["shipped", True] in steps, steps
    text = page.text("#wrap")
    assert "Jakarta Pusat" in page.text(".o_tracking_city")
    for private in ("Jl. Melati", "10330", "3456 7890", "Siti Rahma"):
        assert private not in text, private
    html = page.js("document.documentElement.outerHTML")
    assert "/my/picking/label/" not in html and "LabelShipping" not in html
    page.doc_screenshot("track", until=".o_tracking_order")
