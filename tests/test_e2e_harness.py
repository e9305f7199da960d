"""The harness proves itself: a real server, reached over HTTP and XML-RPC."""

import xmlrpc.client

import requests

OUR_MODULES = {"sale_order_fulfilment", "delivery_carrier_tracking", "delivery_biteship"}


def test_xmlrpc_sees_our_modules_installed(odoo_server):
    version = xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/common").version()
    assert version["server_version_info"][:2] == [18, 0]
    assert odoo_server.uid, "admin could not authenticate over XML-RPC"
    modules = odoo_server.execute(
        "ir.module.module",
        "search_read",
        [("name", "in", sorted(OUR_MODULES))],
        fields=["name", "state"],
    )
    assert {m["name"]: m["state"] for m in modules} == dict.fromkeys(
        OUR_MODULES, "installed"
    )


def test_shop_page_is_served(odoo_server):
    page = requests.get(f"{odoo_server.url}/shop", timeout=60)
    assert page.status_code == 200
    assert 'action="/shop/cart/update"' in page.text or "o_wsale_products_page" in page.text
