"""The story in a real browser: a customer buys in the web shop and pays online.

Headless Chromium against a real Odoo server: /shop -> product -> cart ->
checkout (address, delivery method) -> demo payment -> confirmation. The shop
then does at most one thing by hand, validating the delivery; the carrier's
signed webhook reports the parcel delivered; the customer finds the paid
invoice, the shipment and its tracking link in My Account.

Two couriers: the shop's own (fixed price, delivery validated by hand) and JNE
through Biteship (rates and shipment from the stand-in Biteship server, delivery
validated by the fulfilment policy: no human step at all).
"""

import re

import e2e_data
import pytest
from e2e_browser import cart_to_delivery_step, pay_with_demo_card
from e2e_data import m2o, read_one, wait_until
from e2e_smtp import body_text


@pytest.fixture(scope="module")
def customer_page(chromium, odoo_server, shop):
    page = chromium.new_page()
    page.login(odoo_server.url, shop.customer_login, shop.customer_password)
    return page


@pytest.fixture(scope="module")
def admin_page(chromium, odoo_server):
    page = chromium.new_page()
    page.login(odoo_server.url, odoo_server.login, odoo_server.password)
    return page


def buy(page, server, shop, carrier_id, shots):
    """Walk the web checkout as the customer; returns the confirmed order."""
    cart = cart_to_delivery_step(page, server, shop, carrier_id)
    page.screenshot(shots("checkout"))
    pay_with_demo_card(page)
    page.screenshot(shots("confirmation"))
    order = read_one(
        server,
        "sale.order",
        cart["id"],
        ["name", "state", "carrier_id", "amount_total", "transaction_ids"],
    )
    assert order["state"] == "sale", order
    assert m2o(order["carrier_id"]) == carrier_id
    return order


def check_paid_invoice(server, order):
    """One posted invoice, paid by the order's online payment (reconciled)."""
    txs = server.execute(
        "payment.transaction",
        "read",
        order["transaction_ids"],
        fields=["state", "provider_code", "amount", "payment_id"],
    )
    assert [(t["state"], t["provider_code"]) for t in txs] == [("done", "demo")]
    assert txs[0]["amount"] == pytest.approx(order["amount_total"])
    payment = m2o(txs[0]["payment_id"])
    assert payment, "the online payment has no account.payment"
    invoices = wait_until(
        lambda: server.execute(
            "account.move",
            "search_read",
            [("invoice_origin", "=", order["name"]), ("move_type", "=", "out_invoice")],
            fields=[
                "name",
                "state",
                "payment_state",
                "amount_total",
                "amount_residual",
            ],
        ),
        what=f"an invoice for {order['name']}",
    )
    assert len(invoices) == 1, invoices
    invoice = invoices[0]
    assert invoice["state"] == "posted"
    assert invoice["payment_state"] in ("paid", "in_payment"), invoice
    assert invoice["amount_residual"] == 0
    assert invoice["amount_total"] == pytest.approx(order["amount_total"])
    reconciled = read_one(
        server, "account.payment", payment, ["reconciled_invoice_ids"]
    )
    assert invoice["id"] in reconciled["reconciled_invoice_ids"], (
        "the invoice is not reconciled with the online payment"
    )
    return invoice


FULFILMENT_STEPS = ["paid", "invoiced", "shipped", "delivered"]


def fulfilment_state(server, order_id):
    return read_one(server, "sale.order", order_id, ["fulfilment_state"])[
        "fulfilment_state"
    ]


def check_shipment(server, picking_id, number_re, link):
    """After validation: label PDF attached, tracking number and link set."""
    picking = read_one(
        server,
        "stock.picking",
        picking_id,
        ["carrier_tracking_ref", "carrier_tracking_url", "shipment_state"],
    )
    number = picking["carrier_tracking_ref"]
    assert number and re.fullmatch(number_re, number), picking
    assert picking["shipment_state"] == "label_created", picking
    assert picking["carrier_tracking_url"] == link(number), picking
    labels = e2e_data.shipping_labels(server, picking_id)
    assert labels, "no shipping label attached to the delivery"
    for name, pdf in labels:
        assert name.startswith("LabelShipping-") and name.endswith(".pdf"), name
        assert pdf.startswith(b"%PDF-"), f"{name} is not a PDF"
    assert any(number in name for name, _pdf in labels), (number, labels)
    return picking


def deliver_in_house(server, shop, picking):
    """The shop's courier app reports pick-up, transit and delivery."""
    e2e_data.in_house_events(
        server,
        shop,
        picking["carrier_tracking_ref"],
        [
            ("picked_up", "Picked up at Toko Batik Nusantara", "Jakarta Pusat"),
            ("in_transit", "On the way with the courier", "Menteng"),
            ("delivered", "Received by Siti Rahma", "Cikini"),
        ],
    )


def deliver_biteship(server, shop, biteship, picking_id):
    """The courier moves the Biteship order on; the stand-in sends Biteship's
    order.status webhook, signed, after each step."""
    order_id = read_one(server, "stock.picking", picking_id, ["carrier_shipment_id"])[
        "carrier_shipment_id"
    ]
    assert order_id, "the delivery has no Biteship order id"
    url = f"{server.url}/delivery_tracking/webhook/{shop.carriers['biteship']}"
    for status in ("picked", "dropping_off", "delivered"):
        biteship.control(f"orders/{order_id}/status", {"status": status})
        sent = biteship.control(
            "webhook",
            {
                "url": url,
                "event": "order.status",
                "order_id": order_id,
                "secret": e2e_data.BITESHIP_WEBHOOK_SECRET,
            },
        )
        assert sent["status"] == 200, sent
        assert e2e_data.apply_webhook_inbox(server)["applied"] == 1


def check_delivered(server, picking_id, smtp_sink, shop, min_events=3):
    status = server.execute("stock.picking", "get_shipment_status", [picking_id])
    assert status["shipment_state"] == "delivered", status
    states = [event["shipment_state"] for event in status["events"]]
    assert len(states) >= min_events and states[0] == "delivered", states
    mails = wait_until(
        lambda: [
            m for m in smtp_sink.to(shop.customer_login) if "delivered" in m["subject"]
        ],
        what="the customer's 'delivered' mail",
    )
    assert status["tracking_number"] in body_text(mails[-1])
    return status


def check_portal(page, server, order, invoice, status, tracking_url, shots):
    """My Account -> Sales Orders -> the order: what the customer sees."""
    page.goto(f"{server.url}/my")
    page.click('a[href="/my/orders"]', navigates=True, url_part="/my/orders")
    page.click(
        "a", text=order["name"], navigates=True, url_part=f"/my/orders/{order['id']}"
    )
    text = page.text("#wrap")
    assert order["name"] in text

    steps = page.js(
        """[...document.querySelectorAll('#fulfilment_timeline .o_fulfilment_step')]
            .map(li => [li.dataset.step,
                        li.classList.contains('o_fulfilment_step_done')])"""
    )
    assert steps == [[step, True] for step in FULFILMENT_STEPS], steps

    assert invoice["name"] in page.text("#fulfilment_timeline") + page.text(
        "#sale_invoices"
    )
    paid = page.text("#fulfilment_timeline .o_fulfilment_invoice")
    assert "Paid" in paid or "In Payment" in paid, paid

    card = f'#shipments .o_tracking_shipment[data-picking-id="{status["picking_id"]}"]'
    page.wait_for(card)
    assert "Delivered" in page.text(f"{card} .card-header")
    events = page.js(
        f"document.querySelectorAll('{card} .o_tracking_timeline li').length"
    )
    assert events == len(status["events"])
    hrefs = page.attr_all(f"{card} .o_tracking_numbers a", "href")
    assert hrefs == [tracking_url], hrefs
    assert status["tracking_links"] == [[status["tracking_number"], tracking_url]]
    # the tracking number and the carrier's link, not the shop's label
    assert not page.attr_all(f"{card} a[href*='/my/picking/label/']", "href")
    label_id = read_one(
        server, "stock.picking", status["picking_id"], ["tracking_label_ids"]
    )["tracking_label_ids"][0]
    fetched = page.fetch(f"{server.url}/web/content/{label_id}?download=true")
    assert fetched["status"] in (403, 404), fetched
    page.screenshot(shots("portal-order"), until="#shipments")


def back_office_shots(page, server, order, picking_id, shots, docs=False):
    """The order and its delivery as the shop sees them, and the label;
    docs: also the README's pictures of both."""
    page.goto(f"{server.url}/odoo/action-sale.action_orders/{order['id']}")
    page.wait_for(".o_form_view .o_form_sheet")
    page.wait_for(".o_breadcrumb", text=order["name"])
    page.wait_for(".o_field_widget[name=fulfilment_state]", text="Delivered")
    page.screenshot(shots("backoffice-order"))
    if docs:
        page.doc_screenshot("backoffice-order")
    page.goto(f"{server.url}/odoo/action-stock.action_picking_tree_all/{picking_id}")
    page.click(".o_notebook .nav-link", text="Additional Info")
    page.wait_for(".o_notebook .nav-link.active", text="Additional Info")
    page.wait_for(".o_field_widget[name=shipment_state]", text="Delivered")
    page.wait_for(".o_field_widget[name=tracking_label_ids]", text="LabelShipping-")
    page.screenshot(shots("backoffice-delivery"))
    if docs:  # tall enough for the labels under the shipment
        page.resize(1280, 960)
        page.wait_for(".o_field_widget[name=tracking_label_ids]", text="LabelShipping-")
        page.doc_screenshot("backoffice-delivery")
    page.resize(420, 640)  # the label is 100 x 150 mm
    try:
        page.goto(
            f"{server.url}/report/html/"
            f"delivery_carrier_tracking.report_shipping_label/{picking_id}",
            odoo_page=False,
        )
        page.screenshot(shots("label"))
    finally:
        page.resize(1280, 800)


def shooter(screenshots, story):
    return lambda step: screenshots / f"{story}-{step}.png"


def test_in_house_courier_story(
    customer_page, admin_page, odoo_server, shop, smtp_sink, screenshots
):
    """Paid online, invoiced by itself; one human step: validating the delivery."""
    server, shots = odoo_server, shooter(screenshots, "in-house")
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=False)
    order = buy(customer_page, server, shop, shop.carriers["in_house"], shots)
    invoice = check_paid_invoice(server, order)
    assert fulfilment_state(server, order["id"]) == "invoiced"

    picking_id = e2e_data.delivery_of(server, order["id"])
    e2e_data.validate_delivery(server, picking_id)
    picking = check_shipment(
        server,
        picking_id,
        r"KT\d{8}",
        lambda n: e2e_data.tracking_link(e2e_data.IN_HOUSE_TRACKING_URL, n),
    )
    assert fulfilment_state(server, order["id"]) == "shipped"
    confirmation = wait_until(
        lambda: smtp_sink.to(shop.customer_login),
        what="the delivery confirmation mail",
    )
    assert any(picking["carrier_tracking_url"] in body_text(m) for m in confirmation)

    deliver_in_house(server, shop, picking)
    status = check_delivered(server, picking_id, smtp_sink, shop)
    assert fulfilment_state(server, order["id"]) == "delivered"
    check_portal(
        customer_page,
        server,
        order,
        invoice,
        status,
        picking["carrier_tracking_url"],
        shots,
    )
    back_office_shots(admin_page, server, order, picking_id, shots)


def test_biteship_courier_story(
    customer_page, admin_page, odoo_server, shop, smtp_sink, biteship, screenshots
):
    """Paid online, invoiced and shipped by policy: no human step at all."""
    server, shots = odoo_server, shooter(screenshots, "biteship")
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=True)
    order = buy(customer_page, server, shop, shop.carriers["biteship"], shots)
    invoice = check_paid_invoice(server, order)

    picking_id = e2e_data.delivery_of(server, order["id"])
    wait_until(
        lambda: (
            read_one(server, "stock.picking", picking_id, ["state"])["state"] == "done"
        ),
        what="the delivery validated by the fulfilment policy",
    )
    biteship_page = read_one(
        server, "stock.picking", picking_id, ["biteship_tracking_link"]
    )["biteship_tracking_link"]
    assert biteship_page and biteship_page.startswith("https://track.biteship.com/")
    # The method's tracking link (JNE's page for the waybill) wins over
    # Biteship's order page, in the back office and the portal alike.
    jne_url = e2e_data.jne_tracking_url(server)
    check_shipment(
        server,
        picking_id,
        r"JNE\d{10}",
        lambda n: e2e_data.tracking_link(jne_url, n),
    )
    assert fulfilment_state(server, order["id"]) == "shipped"
    stats = e2e_data.requests.get(f"{biteship.url}/_control/stats", timeout=10).json()
    order_id = read_one(server, "stock.picking", picking_id, ["carrier_shipment_id"])[
        "carrier_shipment_id"
    ]
    assert stats["orders"].get(order_id) == "confirmed", stats

    deliver_biteship(server, shop, biteship, picking_id)
    status = check_delivered(server, picking_id, smtp_sink, shop)
    assert fulfilment_state(server, order["id"]) == "delivered"
    jne_page = e2e_data.tracking_link(jne_url, status["tracking_number"])
    check_portal(customer_page, server, order, invoice, status, jne_page, shots)
    customer_page.doc_screenshot("portal-order", until="#shipments")
    back_office_shots(admin_page, server, order, picking_id, shots, docs=True)
