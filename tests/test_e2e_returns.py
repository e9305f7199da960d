"""The return flow in a real browser, as the people who do it.

The customer buys the shop's batik shirt with the in-house courier and pays
online (payment_demo); the shop validates the delivery and the courier app
reports it delivered. In My Account the customer asks to return the shirt
(line, quantity, reason); a salesperson approves over XML-RPC; the customer
downloads the return label from the order page; the courier app reports the
return parcel on its way and back at the shop; a warehouse user validates the
return receipt; the shop's policy refunds at receipt: the credit note, paid
back through payment_demo. The order is Returned & Refunded, and a second
Refund does nothing.
"""

import e2e_data
import pytest
from e2e_data import m2o, read_one
from test_e2e_shop import (
    FULFILMENT_STEPS,
    buy,
    check_paid_invoice,
    check_shipment,
    deliver_in_house,
    fulfilment_state,
    shooter,
)


@pytest.fixture(scope="module")
def customer_page(chromium, odoo_server, shop):
    page = chromium.new_page()
    page.login(odoo_server.url, shop.customer_login, shop.customer_password)
    return page


def open_order(page, server, order):
    """My Account -> Sales Orders -> the order."""
    page.goto(f"{server.url}/my")
    page.click('a[href="/my/orders"]', navigates=True, url_part="/my/orders")
    page.click(
        "a", text=order["name"], navigates=True, url_part=f"/my/orders/{order['id']}"
    )


def request_return_in_portal(page, server, order, line_id, reason_id, shots):
    """The customer's request: the order's Return button, one shirt, a
    reason and a word, submitted from the form."""
    open_order(page, server, order)
    page.click(
        "#sale_returns a.o_sale_return_request",
        navigates=True,
        url_part=f"/my/orders/{order['id']}/return",
    )
    assert order["name"] in page.text("#wrap h1")
    names = page.attr_all(".o_return_request_form input[type=number]", "name")
    assert names == [f"qty_{line_id}"], names  # the shirt only, not the postage
    page.fill(f'input[name="qty_{line_id}"]', "1")
    page.fill(f'select[name="reason_{line_id}"]', str(reason_id))
    page.fill("#return_note", "The seam of the left sleeve is torn.")
    assert page.js(f"document.querySelector('select[name=\"reason_{line_id}\"]').value")
    page.screenshot(shots("portal-return"), until=".o_return_request_form")
    page.doc_screenshot("portal-return", until=".o_return_request_form")
    page.click(
        "button.o_return_submit",
        navigates=True,
        url_part=f"/my/orders/{order['id']}",
    )
    assert not page.js("!!document.querySelector('.o_return_error')")


def test_in_house_return_story(customer_page, odoo_server, shop, screenshots):
    """Bought, delivered, returned by the customer, refunded once."""
    server, shots = odoo_server, shooter(screenshots, "return")
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=False)
    # The website's return policy: 14 days, a salesperson approves every
    # return, the money goes back when the goods are received.
    server.execute(
        "website",
        "write",
        [shop.website_id],
        {
            "return_window_days": 14,
            "return_auto_approve_amount": 0.0,
            "return_refund_on": "receipt",
            "return_refund_shipping": "never",
        },
    )
    # The courier's return label may be downloaded in the portal (core's option).
    server.execute(
        "delivery.carrier",
        "write",
        [shop.carriers["in_house"]],
        {"get_return_label_from_portal": True},
    )
    salesperson = e2e_data.staff(
        server, "dewi_sales", ["sales_team.group_sale_salesman_all_leads"]
    )
    warehouse = e2e_data.staff(server, "agus_gudang", ["stock.group_stock_user"])
    billing = e2e_data.staff(server, "rina_billing", ["account.group_account_invoice"])

    # 1. Bought and paid in the browser, shipped and delivered.
    order = buy(customer_page, server, shop, shop.carriers["in_house"], shots)
    invoice = check_paid_invoice(server, order)
    picking_id = e2e_data.delivery_of(server, order["id"])
    e2e_data.validate_delivery(server, picking_id)
    picking = check_shipment(
        server,
        picking_id,
        r"KT\d{8}",
        lambda n: e2e_data.tracking_link(e2e_data.IN_HOUSE_TRACKING_URL, n),
    )
    deliver_in_house(server, shop, picking)
    assert fulfilment_state(server, order["id"]) == "delivered"

    # 2. The customer asks for the return in My Account.
    [line_id] = server.execute(
        "sale.order.line",
        "search",
        [("order_id", "=", order["id"]), ("product_id", "=", shop.product_id)],
    )
    damaged = e2e_data.ref(server, "sale_order_fulfilment_return.return_reason_damaged")
    request_return_in_portal(customer_page, server, order, line_id, damaged, shots)
    [ret_id] = server.execute("sale.return", "search", [("order_id", "=", order["id"])])
    [status] = server.execute("sale.return", "get_return_status", [ret_id])
    assert status["state"] == "requested", status
    assert [
        (line["sale_line_id"], line["quantity"], line["reason_code"])
        for line in status["lines"]
    ] == [(line_id, 1.0, "damaged")], status
    shirt = read_one(server, "sale.order.line", line_id, ["price_total"])
    assert status["amount_total"] == pytest.approx(shirt["price_total"])
    note = read_one(server, "sale.return", ret_id, ["note"])["note"]
    assert note == "The seam of the left sleeve is torn."
    row = f'#sale_returns .o_sale_return[data-return="{status["name"]}"]'
    customer_page.wait_for(row)
    assert "Requested" in customer_page.text(f"{row} .o_sale_return_state")

    # 3. A salesperson approves: the return receipt with the courier and its label.
    assert salesperson.execute("sale.return", "action_approve", [ret_id]) is True
    [status] = server.execute("sale.return", "get_return_status", [ret_id])
    assert status["state"] == "approved" and status["has_label"] is True, status
    [receipt_id] = read_one(server, "sale.return", ret_id, ["return_picking_ids"])[
        "return_picking_ids"
    ]
    receipt = read_one(
        server,
        "stock.picking",
        receipt_id,
        ["picking_type_code", "carrier_id", "carrier_tracking_ref", "state"],
    )
    assert receipt["picking_type_code"] == "incoming", receipt
    assert m2o(receipt["carrier_id"]) == shop.carriers["in_house"], receipt
    assert receipt["carrier_tracking_ref"], receipt
    assert status["tracking_numbers"] == [receipt["carrier_tracking_ref"]], status

    # 4. The customer downloads the return label from the order page.
    open_order(customer_page, server, order)
    assert "Approved" in customer_page.text(f"{row} .o_sale_return_state")
    [href] = customer_page.attr_all(f"{row} a.o_sale_return_label", "href")
    assert "access_token=" in href, href
    fetched = customer_page.fetch(f"{server.url}{href}")
    assert fetched["status"] == 200, fetched
    assert fetched["type"].startswith("application/pdf"), fetched

    # 5. The courier app: the return parcel on its way, then back at the shop.
    e2e_data.in_house_events(
        server,
        shop,
        receipt["carrier_tracking_ref"],
        [
            ("picked_up", "Picked up from Siti Rahma", "Cikini"),
            ("in_transit", "On the way back to the shop", "Menteng"),
            ("delivered", "Received by Toko Batik Nusantara", "Jakarta Pusat"),
        ],
    )
    parcel = server.execute("stock.picking", "get_shipment_status", [receipt_id])
    assert parcel["shipment_state"] == "delivered", parcel
    assert [event["shipment_state"] for event in parcel["events"]][:2] == [
        "delivered",
        "in_transit",
    ], parcel
    # the parcel's arrival is no receipt: the warehouse checks the goods
    assert read_one(server, "sale.return", ret_id, ["state"])["state"] == "approved"

    # 6. The warehouse validates the receipt; the policy refunds at receipt.
    e2e_data.validate_delivery(warehouse, receipt_id)
    [status] = server.execute("sale.return", "get_return_status", [ret_id])
    assert status["state"] == "refunded", status
    assert status["lines"][0]["qty_received"] == 1.0, status
    credit_note_id = m2o(
        read_one(server, "sale.return", ret_id, ["refund_move_id"])["refund_move_id"]
    )
    [refund_tx] = server.execute(
        "payment.transaction",
        "search_read",
        [("sale_return_id", "=", ret_id)],
        fields=[
            "operation",
            "provider_code",
            "state",
            "amount",
            "source_transaction_id",
        ],
    )
    assert (refund_tx["operation"], refund_tx["provider_code"]) == ("refund", "demo")
    assert refund_tx["state"] == "done", refund_tx
    assert refund_tx["amount"] == pytest.approx(-shirt["price_total"])
    assert m2o(refund_tx["source_transaction_id"]) in order["transaction_ids"]

    # 7. The payment post-processing (core's cron) pays the credit note back.
    cron = e2e_data.ref(server, "payment.cron_post_process_payment_tx")
    server.execute("ir.cron", "method_direct_trigger", [cron])
    credit_note = read_one(
        server,
        "account.move",
        credit_note_id,
        ["move_type", "state", "payment_state", "amount_total", "reversed_entry_id"],
    )
    assert credit_note["move_type"] == "out_refund", credit_note
    assert credit_note["state"] == "posted", credit_note
    assert credit_note["payment_state"] in ("paid", "in_payment"), credit_note
    assert credit_note["amount_total"] == pytest.approx(shirt["price_total"])
    [status] = server.execute("sale.return", "get_return_status", [ret_id])
    assert status["refund_state"] == "done", status

    # 8. Returned & Refunded: over XML-RPC and in the customer's timeline.
    [fulfilment] = server.execute("sale.order", "get_fulfilment_status", [order["id"]])
    assert fulfilment["state"] == "returned", fulfilment
    assert fulfilment["state_label"] == "Returned & Refunded", fulfilment
    open_order(customer_page, server, order)
    steps = customer_page.js(
        """[...document.querySelectorAll('#fulfilment_timeline .o_fulfilment_step')]
            .map(li => [li.dataset.step,
                        li.classList.contains('o_fulfilment_step_done')])"""
    )
    assert steps == [[step, True] for step in [*FULFILMENT_STEPS, "returned"]], steps
    assert "Returned & Refunded" in customer_page.text("#fulfilment_timeline")
    assert "Refunded" in customer_page.text(f"{row} .o_sale_return_state")
    customer_page.screenshot(shots("portal-returned"), until="#sale_returns")

    # 9. Billing asks for the refund again: nothing is paid back twice.
    assert billing.execute("sale.return", "action_refund", [ret_id]) is True
    server.execute("ir.cron", "method_direct_trigger", [cron])
    refunds = server.execute(
        "payment.transaction",
        "search",
        [
            ("operation", "=", "refund"),
            ("source_transaction_id", "in", order["transaction_ids"]),
        ],
    )
    assert refunds == [refund_tx["id"]], refunds
    credit_notes = server.execute(
        "account.move",
        "search",
        [("invoice_origin", "=", order["name"]), ("move_type", "=", "out_refund")],
    )
    assert credit_notes == [credit_note_id], credit_notes
    assert read_one(server, "account.move", invoice["id"], ["payment_state"])[
        "payment_state"
    ] in ("paid", "in_payment", "reversed")
    assert fulfilment_state(server, order["id"]) == "returned"
