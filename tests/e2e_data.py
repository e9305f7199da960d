"""Shop set-up over XML-RPC, as an administrator or an integrator would do it.

Everything here goes through public model methods of a running server: no
Odoo import, no SQL. Both end-to-end test files share it.
"""

import time
from dataclasses import dataclass, field

CUSTOMER_LOGIN = "siti.rahma@example.id"
CUSTOMER_PASSWORD = "siti-portal-2024"


def ref(server, xmlid):
    """Database id of an XML id (ir.model.data is readable over RPC)."""
    module, name = xmlid.split(".", 1)
    rows = server.execute(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
        limit=1,
    )
    assert rows, f"XML id {xmlid} not found"
    return rows[0]["res_id"]


def read_one(server, model, rec_id, fields):
    rows = server.execute(model, "read", [rec_id], fields=fields)
    assert rows, f"{model}({rec_id}) not readable"
    return rows[0]


def m2o(value):
    """The id of a many2one as XML-RPC reads it ([id, name] or False)."""
    return value[0] if value else False


def wait_until(fetch, timeout=30, interval=0.5, what="condition"):
    """Poll fetch() until it returns something truthy (server-side async steps)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Shop:
    website_id: int
    product_id: int
    product_tmpl_id: int
    product_name: str
    customer_user_id: int
    customer_partner_id: int
    provider_id: int
    carriers: dict = field(default_factory=dict)  # role -> delivery.carrier id
    customer_login: str = CUSTOMER_LOGIN
    customer_password: str = CUSTOMER_PASSWORD


def indonesia(server):
    country = server.execute(
        "res.country", "search_read", [("code", "=", "ID")], fields=["id"]
    )[0]["id"]
    jakarta = server.execute(
        "res.country.state",
        "search_read",
        [("country_id", "=", country), ("code", "=", "JK")],
        fields=["id"],
    )[0]["id"]
    return country, jakarta


def set_up_company(server):
    """A shop in Jakarta: the origin address carriers quote and ship from."""
    country, jakarta = indonesia(server)
    company = server.execute(
        "res.company", "search_read", [], fields=["partner_id"], limit=1
    )[0]
    server.execute(
        "res.partner",
        "write",
        [company["partner_id"][0]],
        {
            "name": "Toko Batik Nusantara",
            "street": "Jl. Kebon Sirih No. 12",
            "city": "Jakarta Pusat",
            "zip": "10340",
            "state_id": jakarta,
            "country_id": country,
            "phone": "+62 21 3150 123",
            "email": "toko@batik-nusantara.example.id",
        },
    )
    return company["id"]


def set_up_product(server):
    """A published consumable with price and weight (carriers price by weight)."""
    name = "Kemeja Batik Parang"
    tmpl = server.execute(
        "product.template",
        "create",
        {
            "name": name,
            "type": "consu",
            "is_storable": False,
            "list_price": 35.0,
            "weight": 0.4,
            "invoice_policy": "order",
            "is_published": True,
            "description_sale": "Hand-stamped batik shirt, cotton.",
        },
    )
    product = server.execute(
        "product.product",
        "search_read",
        [("product_tmpl_id", "=", tmpl)],
        fields=["id"],
    )[0]["id"]
    return tmpl, product, name


def set_up_customer(server):
    """A portal customer in Jakarta with everything checkout asks for."""
    country, jakarta = indonesia(server)
    user = server.execute(
        "res.users",
        "create",
        {
            "name": "Siti Rahma",
            "login": CUSTOMER_LOGIN,
            "password": CUSTOMER_PASSWORD,
            "email": CUSTOMER_LOGIN,
            "groups_id": [(6, 0, [ref(server, "base.group_portal")])],
        },
    )
    partner = read_one(server, "res.users", user, ["partner_id"])["partner_id"][0]
    server.execute(
        "res.partner",
        "write",
        [partner],
        {
            "street": "Jl. Melati No. 7, RT 03/RW 05",
            "street2": "Kelurahan Cikini",
            "city": "Jakarta Pusat",
            "zip": "10330",
            "state_id": jakarta,
            "country_id": country,
            "phone": "+62 812 3456 7890",
            "email": CUSTOMER_LOGIN,
            "lang": "en_US",
        },
    )
    return user, partner


def set_up_payment(server):
    """The demo provider in test mode, published, with a bank journal."""
    provider = ref(server, "payment.payment_provider_demo")
    journal = server.execute(
        "account.journal", "search", [("type", "=", "bank")], limit=1
    )[0]
    server.execute(
        "payment.provider",
        "write",
        [provider],
        {"state": "test", "is_published": True, "journal_id": journal},
    )
    return provider


def set_up_in_house_carrier(server):
    """A fixed-price courier run by the shop itself."""
    service = server.execute(
        "product.product",
        "create",
        {
            "name": "Kurir Toko (same day)",
            "type": "service",
            "list_price": 0.0,
            "invoice_policy": "order",
        },
    )
    return server.execute(
        "delivery.carrier",
        "create",
        {
            "name": "Kurir Toko",
            "delivery_type": "fixed",
            "fixed_price": 4.0,
            "product_id": service,
            "is_published": True,
        },
    )


def set_up_shop(server):
    """The whole shop, created once per test session."""
    set_up_company(server)
    website = server.execute("website", "search", [], limit=1)[0]
    tmpl, product, name = set_up_product(server)
    user, partner = set_up_customer(server)
    provider = set_up_payment(server)
    shop = Shop(
        website_id=website,
        product_id=product,
        product_tmpl_id=tmpl,
        product_name=name,
        customer_user_id=user,
        customer_partner_id=partner,
        provider_id=provider,
    )
    shop.carriers["in_house"] = set_up_in_house_carrier(server)
    return shop


def last_order(server, partner_id):
    rows = server.execute(
        "sale.order",
        "search_read",
        [("partner_id", "=", partner_id)],
        fields=["id", "name", "state", "carrier_id", "amount_total"],
        order="id desc",
        limit=1,
    )
    return rows[0] if rows else None
