"""The story in a real browser: a customer buys in the web shop and pays online.

Headless Chromium against a real Odoo server: /shop -> product -> cart ->
checkout (address, delivery method) -> demo payment -> confirmation. Then the
shop's only human step, validating the delivery, and the customer's portal.
"""

import e2e_data
import pytest
from e2e_data import m2o, read_one, wait_until


@pytest.fixture(scope="module")
def customer_page(chromium, odoo_server, shop):
    page = chromium.new_page()
    page.login(odoo_server.url, shop.customer_login, shop.customer_password)
    return page


def buy(page, server, shop, carrier_id, shot=None):
    """Walk the web checkout as the customer; returns the confirmed order."""
    page.goto(f"{server.url}/shop")
    page.click("#products_grid a", text=shop.product_name, navigates=True)
    page.click("#add_to_cart")
    page.wait_for("sup.my_cart_quantity", text="1")
    page.goto(f"{server.url}/shop/cart")
    page.click('a[href^="/shop/checkout"]', navigates=True, url_part="/shop/checkout")

    cart = e2e_data.last_order(server, shop.customer_partner_id)
    assert cart and cart["state"] == "draft", cart
    radio = f'input[name="o_delivery_radio"][data-dm-id="{carrier_id}"]'
    page.click(radio)
    wait_until(
        lambda: (
            m2o(
                read_one(server, "sale.order", cart["id"], ["carrier_id"])["carrier_id"]
            )
            == carrier_id
        ),
        what=f"delivery method {carrier_id} set on the cart",
    )
    page.wait_for('a[href^="/shop/confirm_order"]', enabled=True)
    if shot:
        page.screenshot(shot.with_name(shot.stem + "-checkout.png"))
    page.click(
        'a[href^="/shop/confirm_order"]', navigates=True, url_part="/shop/payment"
    )

    demo = 'input[name="o_payment_radio"][data-payment-method-code="demo"]'
    if page.js(f"!!document.querySelector('{demo}')?.getClientRects().length"):
        page.click(demo)
    page.fill('input[name="customer_input"]', "4242424242424242")
    page.click(
        'button[name="o_payment_submit_button"]',
        navigates=True,
        url_part="/shop/confirmation",
    )
    page.wait_for(".oe_website_sale_tx_status", text="successfully processed")
    if shot:
        page.screenshot(shot)
    order = read_one(
        server,
        "sale.order",
        cart["id"],
        ["name", "state", "carrier_id", "amount_total", "transaction_ids"],
    )
    assert order["state"] == "sale", order
    assert m2o(order["carrier_id"]) == carrier_id
    return order


def test_buy_with_in_house_courier(customer_page, odoo_server, shop, screenshots):
    order = buy(
        customer_page,
        odoo_server,
        shop,
        shop.carriers["in_house"],
        shot=screenshots / "shop-in-house-confirmation.png",
    )
    txs = odoo_server.execute(
        "payment.transaction",
        "read",
        order["transaction_ids"],
        fields=["state", "provider_code", "amount"],
    )
    assert [(t["state"], t["provider_code"]) for t in txs] == [("done", "demo")]
    assert txs[0]["amount"] == pytest.approx(order["amount_total"])


def test_buy_with_biteship_courier(customer_page, odoo_server, shop, screenshots):
    order = buy(
        customer_page,
        odoo_server,
        shop,
        shop.carriers["biteship"],
        shot=screenshots / "shop-biteship-confirmation.png",
    )
    assert order["amount_total"] > 0
