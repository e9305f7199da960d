"""Every courier at checkout, in a real browser.

One Biteship method offers six courier services (JNE REG, J&T EZ, SiCepat
REG, AnterAja REG, GoSend and GrabExpress Instant: warehouse and customer
have coordinates), each with its price and delivery time, cheapest and
fastest marked, all from one rates request. The customer picks J&T EZ (not
the cheapest), pays with the demo provider; the shop validates the delivery,
which books J&T EZ at the stand-in Biteship; Biteship's webhooks report the
parcel picked up and delivered; the customer's order page names the service.
"""

import e2e_data
import pytest
from e2e_browser import pay_with_demo_card
from e2e_data import m2o, read_one, wait_until

SERVICES = "jne:reg, jnt:ez, sicepat:reg, anteraja:reg, gojek:instant, grab:instant"
JAKARTA_WAREHOUSE = {"partner_latitude": -6.1754, "partner_longitude": 106.8272}
JAKARTA_CUSTOMER = {"partner_latitude": -6.1944, "partner_longitude": 106.8405}


@pytest.fixture(scope="module")
def rate_shopping(odoo_server, shop, biteship):
    """The Biteship method with six services, published for this story only;
    the warehouse and the customer located."""
    server = odoo_server
    company = server.execute("res.company", "search", [], limit=1)[0]
    company_partner = m2o(
        read_one(server, "res.company", company, ["partner_id"])["partner_id"]
    )
    server.execute("res.partner", "write", [company_partner], JAKARTA_WAREHOUSE)
    server.execute("res.partner", "write", [shop.customer_partner_id], JAKARTA_CUSTOMER)
    product = server.execute(
        "product.product",
        "create",
        {"name": "Biteship courier", "type": "service", "invoice_policy": "order"},
    )
    carrier = server.execute(
        "delivery.carrier",
        "create",
        {
            "name": "Courier of your choice (Biteship)",
            "delivery_type": "biteship",
            "product_id": product,
            "is_published": True,
            "biteship_api_key": biteship.api_key,
            "biteship_base_url": biteship.url,
            "checkout_rate_shopping": True,
            "biteship_services": SERVICES,
            "tracking_webhook_secret": e2e_data.BITESHIP_WEBHOOK_SECRET,
        },
    )
    # the story's page shows this method's services and the shop's own courier
    with e2e_data.only_at_checkout(server, [carrier], [shop.carriers["biteship"]]):
        yield carrier


def rates_couriers(biteship):
    return biteship.control("stats")["rates_couriers"]


def test_checkout_offers_every_courier(
    customer_page, odoo_server, shop, biteship, rate_shopping, screenshots
):
    server, page, carrier = odoo_server, customer_page, rate_shopping
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=False)
    page.goto(f"{server.url}/shop")
    page.click("#products_grid a", text=shop.product_name, navigates=True)
    page.click("#add_to_cart")
    page.wait_for("sup.my_cart_quantity")
    page.goto(f"{server.url}/shop/cart")
    before = len(rates_couriers(biteship))
    page.click('a[href^="/shop/checkout"]', navigates=True, url_part="/shop/checkout")

    services = f'[name="o_delivery_services"][data-dm-id="{carrier}"]'
    page.wait_js(
        f"document.querySelectorAll('{services} li').length === 6",
        what="six courier services listed",
    )
    rows = page.js(
        f"""[...document.querySelectorAll('{services} li')].map(li => [
            li.dataset.service,
            li.querySelector('.o_delivery_service_duration').textContent,
            li.querySelector('.o_delivery_service_price').textContent.trim(),
            !!li.querySelector('.o_delivery_service_cheapest'),
            !!li.querySelector('.o_delivery_service_fastest')])"""
    )
    assert [row[0] for row in rows] == [
        "jne:reg",
        "jnt:ez",
        "sicepat:reg",
        "anteraja:reg",
        "gojek:instant",
        "grab:instant",
    ], rows
    assert all(row[2] for row in rows), rows
    assert [row[0] for row in rows if row[3]] == ["sicepat:reg"], rows
    assert [row[0] for row in rows if row[4]] == ["gojek:instant"], rows
    assert {row[0]: row[1] for row in rows}["jnt:ez"] == "2 - 3 days"
    # every service of the page from one request
    new = rates_couriers(biteship)[before:]
    assert new == ["jne,jnt,sicepat,anteraja,gojek,grab"], new
    page.screenshot(
        screenshots / "rate-shopping-checkout.png", until="#o_delivery_form"
    )
    page.doc_screenshot("rate-shopping-checkout", until="#o_delivery_form")

    cart = e2e_data.last_order(server, shop.customer_partner_id)
    page.click(f'{services} input[data-service="jnt:ez"]')
    wait_until(
        lambda: (
            read_one(
                server,
                "sale.order",
                cart["id"],
                ["carrier_id", "biteship_courier_company"],
            )
            == {
                "id": cart["id"],
                "carrier_id": [carrier, "Courier of your choice (Biteship)"],
                "biteship_courier_company": "jnt",
            }
        ),
        what="J&T EZ chosen on the cart",
    )
    jnt_price = {row[0]: row[2] for row in rows}["jnt:ez"]
    page.wait_for("#order_delivery", text=jnt_price)
    page.wait_for('a[href^="/shop/confirm_order"]', enabled=True)
    assert rates_couriers(biteship)[before:] == new, "choosing used the cached rates"
    page.screenshot(screenshots / "rate-shopping-chosen.png", until="#o_delivery_form")

    pay_with_demo_card(page)
    order = read_one(
        server,
        "sale.order",
        cart["id"],
        ["name", "state", "biteship_courier_type", "biteship_service_name"],
    )
    assert order["state"] == "sale", order
    assert (order["biteship_courier_type"], order["biteship_service_name"]) == (
        "ez",
        "J&T Regular",
    )

    # validation books the customer's choice
    picking_id = e2e_data.delivery_of(server, order["id"])
    e2e_data.validate_delivery(server, picking_id)
    picking = read_one(
        server,
        "stock.picking",
        picking_id,
        ["carrier_shipment_id", "biteship_courier_company", "carrier_tracking_ref"],
    )
    assert picking["biteship_courier_company"] == "jnt", picking
    assert picking["carrier_tracking_ref"].startswith("JNT"), picking
    assert (
        biteship.control("stats")["orders"][picking["carrier_shipment_id"]]
        == "confirmed"
    )

    # Biteship's webhooks move it on
    url = f"{server.url}/delivery_tracking/webhook/{carrier}"
    for status in ("picked", "delivered"):
        biteship.control(
            f"orders/{picking['carrier_shipment_id']}/status", {"status": status}
        )
        sent = biteship.control(
            "webhook",
            {
                "url": url,
                "event": "order.status",
                "order_id": picking["carrier_shipment_id"],
                "secret": e2e_data.BITESHIP_WEBHOOK_SECRET,
            },
        )
        assert sent["status"] == 200, sent
        assert e2e_data.apply_webhook_inbox(server)["applied"] == 1
    wait_until(
        lambda: (
            read_one(server, "stock.picking", picking_id, ["shipment_state"])[
                "shipment_state"
            ]
            == "delivered"
        ),
        what="the delivery reported delivered",
    )

    # the customer's order page names the service
    page.goto(f"{server.url}/my/orders/{order['id']}")
    card = f'#shipments .o_tracking_shipment[data-picking-id="{picking_id}"]'
    page.wait_for(f"{card} .o_biteship_service", text="J&T Regular")
    assert "Delivered" in page.text(f"{card} .card-header")
    assert "J&T Regular" in page.text("#wrap")
    page.screenshot(screenshots / "rate-shopping-portal.png", until="#shipments")
