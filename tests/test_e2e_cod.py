"""Cash on delivery in a real browser: the customer chooses COD on /shop.

Headless Chromium against a real Odoo server: /shop -> product -> cart ->
checkout with the shop's COD courier -> payment step: *Cash on Delivery* with
its fee -> confirmation, the order awaiting COD. The shop validates the
delivery (its label says how much to collect); the courier's signed webhook
reports the parcel delivered; the invoice is paid by the collection entry on
the COD receivable, and the customer's order page says paid. The courier's
payout (the cash minus its fee) is imported over XML-RPC as the remittance
file it sends: reconciled on the bank, the COD receivable cleared; the same
file imported again changes nothing.
"""

import base64
from datetime import datetime, timedelta, timezone

import e2e_data
import pytest
from e2e_browser import cart_to_delivery_step
from e2e_data import m2o, read_one, ref, wait_until

COD_WEBHOOK_SECRET = "kurir-toko-cod-webhook-secret"
SHIPPING, COD_FEE = 15000.0, 5000.0
PAYOUT_FEE = 3000.0  # what the courier keeps of the cash it remits


@pytest.fixture(scope="module")
def cod_carrier(odoo_server, shop):
    """The COD provider enabled and a COD courier of the shop's own, for this
    story only (the other stories' checkouts are left as they were)."""
    server = odoo_server
    provider = ref(server, "sale_order_fulfilment_cod.payment_provider_cod")
    server.execute(
        "payment.provider",
        "write",
        [provider],
        {"state": "enabled", "is_published": True},
    )
    company = server.execute("res.company", "search", [], limit=1)[0]
    server.execute("res.company", "write", [company], {"cod_invoice_policy": "confirm"})
    sequence = server.execute(
        "ir.sequence",
        "create",
        {"name": "Kurir Toko COD waybills", "prefix": "KC", "padding": 8},
    )
    carrier = server.execute(
        "delivery.carrier",
        "create",
        {
            "name": "Kurir Toko COD",
            "delivery_type": "fixed",
            "fixed_price": SHIPPING,
            "product_id": server.execute(
                "product.product",
                "create",
                {"name": "Kurir Toko COD", "type": "service", "taxes_id": []},
            ),
            "is_published": True,
            "tracking_create_label": True,
            "tracking_sequence_id": sequence,
            "tracking_webhook_secret": COD_WEBHOOK_SECRET,
            "cod_allowed": True,
            "cod_fee": COD_FEE,
            "cod_max_amount": 15000000.0,
        },
    )
    fee_product = ref(server, "sale_order_fulfilment_cod.product_cod_fee")
    server.execute("product.product", "write", [fee_product], {"taxes_id": [(5,)]})
    try:
        yield carrier
    finally:
        server.execute("delivery.carrier", "write", [carrier], {"is_published": False})
        server.execute("payment.provider", "write", [provider], {"state": "disabled"})


def checkout_with_cod(page, server, shop, carrier_id, shot):
    """The customer's web checkout, paying cash on delivery."""
    cart = cart_to_delivery_step(page, server, shop, carrier_id)
    page.click(
        'a[href^="/shop/confirm_order"]', navigates=True, url_part="/shop/payment"
    )
    provider_id = ref(server, "sale_order_fulfilment_cod.payment_provider_cod")
    cod = f'input[name="o_payment_radio"][data-provider-id="{provider_id}"]'
    page.wait_for(cod)
    page.click(cod)
    # the option says what the customer pays: fee and cash to hand over
    offer = page.text(".o_cod_offer")
    assert "5,000" in offer, offer
    page.screenshot(shot("payment-step"))
    page.doc_screenshot("cod-checkout", until="#o_payment_form")
    page.click(
        'button[name="o_payment_submit_button"]',
        navigates=True,
        url_part="/shop/confirmation",
    )
    page.wait_for(".oe_website_sale_tx_status", text="courier")
    page.screenshot(shot("confirmation"))
    return cart["id"], offer


def label_html(server, picking_id):
    """The delivery's label as the shop prints it (HTML of the QWeb report),
    in an administrator's session."""
    session = e2e_data.requests.Session()
    login = session.post(
        f"{server.url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {
                "db": server.db,
                "login": server.login,
                "password": server.password,
            },
        },
        timeout=60,
    )
    assert login.ok and "error" not in login.json(), login.text
    page = session.get(
        f"{server.url}/report/html/"
        f"delivery_carrier_tracking.report_shipping_label/{picking_id}",
        timeout=120,
    )
    assert page.status_code == 200, page.status_code
    return page.text


def report_delivered(server, carrier_id, picking):
    """The courier's app reports pick-up, transit and delivery, signed."""
    start = datetime.now(timezone.utc) - timedelta(hours=3)
    events = [("picked_up", "Picked up"), ("in_transit", "On the way")]
    events.append(("delivered", "Received by Siti Rahma, paid in cash"))
    answer = e2e_data.signed_post(
        f"{server.url}/delivery_tracking/webhook/{carrier_id}",
        COD_WEBHOOK_SECRET,
        {
            "tracking_number": picking["carrier_tracking_ref"],
            "events": [
                {
                    "id": f"kc-{index}",
                    "time": (start + timedelta(hours=index)).isoformat(),
                    "status": status,
                    "description": description,
                }
                for index, (status, description) in enumerate(events)
            ],
        },
    )
    assert answer.status_code == 200, answer.text
    assert e2e_data.apply_webhook_inbox(server)["applied"] == 1


def portal_steps(page):
    return page.js(
        """[...document.querySelectorAll('#fulfilment_timeline .o_fulfilment_step')]
            .map(li => [li.dataset.step,
                        li.classList.contains('o_fulfilment_step_done')])"""
    )


def test_cash_on_delivery_story(
    customer_page, odoo_server, shop, cod_carrier, screenshots
):
    server = odoo_server
    shot = lambda step: screenshots / f"cod-{step}.png"
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=False)
    order_id, offer = checkout_with_cod(customer_page, server, shop, cod_carrier, shot)

    # confirmed without an online payment: awaiting COD, invoiced, not paid
    order = read_one(
        server,
        "sale.order",
        order_id,
        ["name", "state", "amount_total", "is_cod", "cod_state", "cod_amount"],
    )
    total = order["amount_total"]
    shown = f"{total:,.0f}"  # as the pages format rupiah
    assert shown in offer, (shown, offer)
    assert order["state"] == "sale", order
    assert (order["is_cod"], order["cod_state"]) == (True, "to_collect"), order
    assert order["cod_amount"] == pytest.approx(total)
    fee_lines = server.execute(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id), ("is_cod_fee", "=", True)],
        fields=["price_unit"],
    )
    assert [line["price_unit"] for line in fee_lines] == [COD_FEE]
    (status,) = server.execute("sale.order", "get_fulfilment_status", [order_id])
    assert status["payment_method"] == "cod"
    assert status["cod_amount"] == pytest.approx(total)
    assert not status["paid"]
    invoices = wait_until(
        lambda: server.execute(
            "account.move",
            "search_read",
            [("invoice_origin", "=", order["name"]), ("move_type", "=", "out_invoice")],
            fields=["state", "payment_state", "amount_total"],
        ),
        what="the COD order's invoice",
    )
    assert [(i["state"], i["payment_state"]) for i in invoices] == [
        ("posted", "not_paid")
    ]

    customer_page.goto(f"{server.url}/my/orders/{order_id}")
    assert "Pay on delivery" in customer_page.text(".o_cod_to_collect")
    assert shown in customer_page.text(".o_cod_to_collect")
    assert "paid" not in [step for step, _done in portal_steps(customer_page)]

    # the shop validates; the label says how much the courier collects
    picking_id = e2e_data.delivery_of(server, order_id)
    e2e_data.validate_delivery(server, picking_id)
    picking = read_one(server, "stock.picking", picking_id, ["carrier_tracking_ref"])
    assert picking["carrier_tracking_ref"].startswith("KC"), picking
    label = label_html(server, picking_id)
    assert "o_label_cod" in label and "Cash on delivery: collect" in label
    assert shown in label.split("o_label_cod", 1)[1], label

    # delivered: the collection entry pays the invoice
    report_delivered(server, cod_carrier, picking)
    wait_until(
        lambda: (
            read_one(server, "sale.order", order_id, ["cod_state"])["cod_state"]
            == "collected"
        ),
        what="the COD collected",
    )
    invoice = server.execute(
        "account.move",
        "search_read",
        [("invoice_origin", "=", order["name"]), ("move_type", "=", "out_invoice")],
        fields=["payment_state", "amount_residual"],
    )[0]
    assert invoice["payment_state"] == "paid" and invoice["amount_residual"] == 0
    (entry,) = server.execute(
        "account.move",
        "search_read",
        [("cod_sale_order_id", "=", order_id)],
        fields=["state", "move_type", "amount_total"],
    )
    assert (entry["state"], entry["move_type"]) == ("posted", "entry")
    assert entry["amount_total"] == pytest.approx(total)

    # the customer's page: paid, the timeline ends with "Paid on delivery"
    customer_page.goto(f"{server.url}/my/orders/{order_id}")
    customer_page.wait_for(".o_cod_paid")
    assert not customer_page.js("!!document.querySelector('.o_cod_to_collect')")
    assert "ready in cash" not in customer_page.text("#wrap")
    steps = portal_steps(customer_page)
    assert steps[-1] == ["cod_paid", True], steps
    assert ["delivered", True] in steps, steps
    customer_page.screenshot(shot("portal-order"), until="#fulfilment_timeline")

    check_payout(server, order_id)


def cod_receivable_open(server, order_id):
    """The collection entry's open amount on the COD receivable."""
    company = server.execute("res.company", "search", [], limit=1)[0]
    account = m2o(
        read_one(server, "res.company", company, ["cod_receivable_account_id"])[
            "cod_receivable_account_id"
        ]
    )
    lines = server.execute(
        "account.move.line",
        "search_read",
        [("move_id.cod_sale_order_id", "=", order_id), ("account_id", "=", account)],
        fields=["amount_residual", "reconciled"],
    )
    assert len(lines) == 1, lines
    return lines[0]


def import_payout(server, order, reference):
    """The courier's remittance file (the documented simple CSV), imported
    the way an accounting tool would: XML-RPC, with its bank statement line."""
    # Creating bank statement lines is an accountant's right in core (Show
    # Full Accounting Features), which a shop reconciling its bank has.
    server.execute(
        "res.users",
        "write",
        [server.uid],
        {"groups_id": [(4, ref(server, "account.group_account_user"))]},
    )
    rows = [
        "reference,order id,amount,cod fee,shipping fee,paid date",
        (
            f"{reference},{order['name']},{order['amount_total']:.0f},"
            f"{PAYOUT_FEE:.0f},0,{datetime.now():%Y-%m-%d}"
        ),
    ]
    journal = server.execute("account.journal", "search", [("type", "=", "bank")])[0]
    return server.execute(
        "cod.remittance",
        "import_file",
        base64.b64encode("\n".join(rows).encode()).decode(),
        filename=f"{reference}.csv",
        journal_id=journal,
        create_statement_line=True,
    )


def check_payout(server, order_id):
    """The courier remits the cash minus its fee."""
    order = read_one(server, "sale.order", order_id, ["name", "amount_total"])
    assert cod_receivable_open(server, order_id)["amount_residual"] == pytest.approx(
        order["amount_total"]
    )

    result = import_payout(server, order, "KT-PAYOUT-1")
    assert len(result["reconciled"]) == 1 and not result["issues"], result
    assert read_one(server, "sale.order", order_id, ["cod_state"])["cod_state"] == (
        "remitted"
    )
    receivable = cod_receivable_open(server, order_id)
    assert receivable["reconciled"] and receivable["amount_residual"] == 0
    (bank_line,) = server.execute(
        "account.bank.statement.line",
        "search_read",
        [("payment_ref", "ilike", "KT-PAYOUT-1")],
        fields=["amount", "is_reconciled"],
    )
    assert bank_line["amount"] == pytest.approx(order["amount_total"] - PAYOUT_FEE)
    assert bank_line["is_reconciled"]
    (status,) = server.execute("sale.order", "get_fulfilment_status", [order_id])
    assert (status["cod_state"], status["cod_amount"]) == ("remitted", 0)

    # the same file again: nothing new
    payouts = server.execute("cod.remittance", "search_count", [])
    again = import_payout(server, order, "KT-PAYOUT-1")
    assert again["duplicates"] == 1 and not again["reconciled"], again
    assert server.execute("cod.remittance", "search_count", []) == payouts
    assert (
        server.execute(
            "account.bank.statement.line",
            "search_count",
            [("payment_ref", "ilike", "KT-PAYOUT-1")],
        )
        == 1
    )
