"""KiriminAja, the second aggregator, in a real browser, beside Biteship.

A KiriminAja method on the stand-in KiriminAja (JNE's services, priced
between the warehouse's and the customer's districts) and a Biteship method
(JNE REG and SiCepat REG) both list their courier services at checkout, each
with its price and delivery time. The customer picks JNE YES through
KiriminAja (not the cheapest) and pays with the demo provider; the warehouse
user validates the delivery, which books JNE YES at KiriminAja; KiriminAja's
callbacks (bearer token) give the AWB, then report the parcel shipped and
delivered; the customer's order page shows the AWB and Delivered.
"""

import json
from datetime import datetime, timedelta, timezone

import e2e_data
import pytest
from e2e_browser import pay_with_demo_card
from e2e_data import m2o, read_one, wait_until

# the stand-in's invented districts (kiriminaja_server.DISTRICTS): Gambir,
# Kota Jakarta Pusat, for both ends
JAKARTA_PUSAT_DISTRICT = 2001
SHIPPING_PRICE = "/api/mitra/v6.1/shipping_price"
KJ_METHOD = "JNE by KiriminAja"
BITESHIP_METHOD = "Couriers by Biteship"


@pytest.fixture(scope="module")
def two_providers(odoo_server, shop, biteship, kiriminaja):
    """A KiriminAja and a Biteship method, both with several courier
    services, published for this story only; the shop's and the customer's
    KiriminAja districts set on their contacts (as a person does when the
    postal code does not name one)."""
    server = odoo_server
    company = server.execute("res.company", "search", [], limit=1)[0]
    company_partner = m2o(
        read_one(server, "res.company", company, ["partner_id"])["partner_id"]
    )
    server.execute(
        "res.partner",
        "write",
        [company_partner, shop.customer_partner_id],
        {"kiriminaja_district_id": JAKARTA_PUSAT_DISTRICT},
    )

    def service_product(name):
        return server.execute(
            "product.product",
            "create",
            {"name": name, "type": "service", "invoice_policy": "order"},
        )

    kj_carrier = server.execute(
        "delivery.carrier",
        "create",
        {
            "name": KJ_METHOD,
            "delivery_type": "kiriminaja",
            "product_id": service_product("KiriminAja courier"),
            "is_published": True,
            "kiriminaja_api_key": kiriminaja.api_key,
            "kiriminaja_base_url": kiriminaja.url,
            "kiriminaja_courier": "jne",
            "kiriminaja_service": "REG23",
            "checkout_rate_shopping": True,
        },
    )
    bs_carrier = server.execute(
        "delivery.carrier",
        "create",
        {
            "name": BITESHIP_METHOD,
            "delivery_type": "biteship",
            "product_id": service_product("Biteship couriers"),
            "is_published": True,
            "biteship_api_key": biteship.api_key,
            "biteship_base_url": biteship.url,
            "checkout_rate_shopping": True,
            "biteship_services": "jne:reg, sicepat:reg",
            "tracking_webhook_secret": e2e_data.BITESHIP_WEBHOOK_SECRET,
        },
    )
    # the page shows the two aggregators' methods and the shop's own courier
    with e2e_data.only_at_checkout(
        server, [kj_carrier, bs_carrier], [shop.carriers["biteship"]]
    ):
        yield kj_carrier, bs_carrier


def callback_time(hours_ago):
    """A time as KiriminAja's complete callback format gives it
    (/docs/webhook/event: "2025-01-09T06:02:03.000000Z", UTC)."""
    moment = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def service_rows(page, carrier):
    """The courier services listed under a method: [key, delivery time,
    price, cheapest, fastest]."""
    services = f'[name="o_delivery_services"][data-dm-id="{carrier}"]'
    return page.js(
        f"""[...document.querySelectorAll('{services} li').values()].map(li => [
            li.dataset.service,
            li.querySelector('.o_delivery_service_duration').textContent,
            li.querySelector('.o_delivery_service_price').textContent.trim(),
            !!li.querySelector('.o_delivery_service_cheapest'),
            !!li.querySelector('.o_delivery_service_fastest')])"""
    )


def test_kiriminaja_story(
    customer_page, odoo_server, shop, kiriminaja, two_providers, screenshots
):
    server, page = odoo_server, customer_page
    kj_carrier, bs_carrier = two_providers
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=False)
    kiriminaja.reset()
    warehouse = e2e_data.staff(server, "wayan_gudang", ["stock.group_stock_user"])

    # 1. Both aggregators' services at checkout, side by side.
    page.goto(f"{server.url}/shop")
    page.click("#products_grid a", text=shop.product_name, navigates=True)
    page.click("#add_to_cart")
    page.wait_for("sup.my_cart_quantity")
    page.goto(f"{server.url}/shop/cart")
    page.click('a[href^="/shop/checkout"]', navigates=True, url_part="/shop/checkout")
    for carrier in (kj_carrier, bs_carrier):
        page.wait_js(
            "document.querySelectorAll("
            f'\'[name="o_delivery_services"][data-dm-id="{carrier}"] li\''
            ").length === 2",
            what=f"two courier services under method {carrier}",
        )
    kj_rows = service_rows(page, kj_carrier)
    assert [row[0] for row in kj_rows] == ["jne:REG23", "jne:YES23"], kj_rows
    assert all(row[2] for row in kj_rows), kj_rows
    assert all(row[1] for row in kj_rows), kj_rows
    assert kj_rows[0][1] == "1-2 days", kj_rows
    assert [row[0] for row in kj_rows if row[3]] == ["jne:REG23"], kj_rows
    assert [row[0] for row in kj_rows if row[4]] == ["jne:YES23"], kj_rows
    bs_rows = service_rows(page, bs_carrier)
    assert [row[0] for row in bs_rows] == ["jne:reg", "sicepat:reg"], bs_rows
    assert all(row[1] and row[2] for row in bs_rows), bs_rows
    # every KiriminAja service of the page from one request: the cart's
    # 0.4 kg (1 kg for the courier) between the two districts
    [asked] = kiriminaja.calls(SHIPPING_PRICE)
    assert (asked["origin"], asked["destination"], asked["weight"]) == (
        JAKARTA_PUSAT_DISTRICT,
        JAKARTA_PUSAT_DISTRICT,
        400,
    ), asked
    assert asked["courier"] == ["jne"], asked
    page.screenshot(screenshots / "kiriminaja-checkout.png", until="#o_delivery_form")

    # 2. The customer picks JNE YES (KiriminAja), not the cheapest.
    cart = e2e_data.last_order(server, shop.customer_partner_id)
    kj_services = f'[name="o_delivery_services"][data-dm-id="{kj_carrier}"]'
    page.click(f'{kj_services} input[data-service="jne:YES23"]')
    wait_until(
        lambda: (
            read_one(
                server,
                "sale.order",
                cart["id"],
                ["carrier_id", "kiriminaja_service_code"],
            )
            == {
                "id": cart["id"],
                "carrier_id": [kj_carrier, KJ_METHOD],
                "kiriminaja_service_code": "jne:YES23",
            }
        ),
        what="JNE YES chosen on the cart",
    )
    yes_price = {row[0]: row[2] for row in kj_rows}["jne:YES23"]
    page.wait_for("#order_delivery", text=yes_price)
    page.wait_for('a[href^="/shop/confirm_order"]', enabled=True)
    assert len(kiriminaja.calls(SHIPPING_PRICE)) == 1, "choosing used the rates"
    page.screenshot(screenshots / "kiriminaja-chosen.png", until="#o_delivery_form")

    pay_with_demo_card(page)
    order = read_one(
        server, "sale.order", cart["id"], ["state", "kiriminaja_service_code"]
    )
    assert order == {
        "id": cart["id"],
        "state": "sale",
        "kiriminaja_service_code": "jne:YES23",
    }, order

    # 3. The warehouse user validates: KiriminAja books the customer's choice.
    picking_id = e2e_data.delivery_of(server, order["id"])
    e2e_data.validate_delivery(warehouse, picking_id)
    picking = read_one(
        server,
        "stock.picking",
        picking_id,
        ["carrier_shipment_id", "shipment_state", "carrier_tracking_ref"],
    )
    package_id = picking["carrier_shipment_id"]
    assert picking["shipment_state"] == "label_created", picking
    assert not picking["carrier_tracking_ref"], "the AWB comes later"
    booked = kiriminaja.orders[package_id]
    assert (booked["service"], booked["service_type"]) == ("jne", "YES23"), booked
    assert booked["shipping_cost"] == 26000, booked
    assert booked["destination_kecamatan_id"] == JAKARTA_PUSAT_DISTRICT, booked

    # 4. KiriminAja's callbacks to the shop's callback URL, with its bearer
    # token, in the complete format (/docs/webhook/event): the AWB, then
    # shipped and delivered, an hour apart up to now.
    url = f"{server.url}/delivery_tracking/webhook/{kj_carrier}"
    awb = kiriminaja.process(package_id)
    for method, entry in (
        (
            "processed_packages",
            {
                "awb": awb,
                "date": callback_time(hours_ago=3),
                "shipped_at": None,
                "finished_at": None,
                "returned_at": None,
            },
        ),
        ("shipped_packages", {"awb": awb, "shipped_at": callback_time(hours_ago=2)}),
        ("finished_packages", {"awb": awb, "finished_at": callback_time(hours_ago=1)}),
    ):
        status, body = kiriminaja.callback(
            url, method, [{"order_id": package_id, **entry}], kiriminaja.api_key
        )
        assert status == 200, (method, body)
        assert json.loads(body)["accepted"] == 1, (method, body)
        assert e2e_data.apply_webhook_inbox(server)["applied"] == 1, method
    # another token is refused and changes nothing
    status, _body = kiriminaja.callback(
        url, "canceled_packages", [{"order_id": package_id}], "not-the-key"
    )
    assert status == 403
    picking = read_one(
        server,
        "stock.picking",
        picking_id,
        ["shipment_state", "carrier_tracking_ref"],
    )
    assert picking == {
        "id": picking_id,
        "shipment_state": "delivered",
        "carrier_tracking_ref": awb,
    }, picking

    # 5. The customer's order page: the AWB and Delivered.
    page.goto(f"{server.url}/my/orders/{order['id']}")
    card = f'#shipments .o_tracking_shipment[data-picking-id="{picking_id}"]'
    page.wait_for(f"{card} .o_tracking_numbers", text=awb)
    header = page.text(f"{card} .card-header")
    assert KJ_METHOD in header and "Delivered" in header, header
    events = page.text(f"{card} .card-body")
    assert events.index("Delivered") < events.index("Picked Up"), events
    assert events.index("Picked Up") < events.index("Label Created"), events
    page.screenshot(screenshots / "kiriminaja-portal.png", until="#shipments")
