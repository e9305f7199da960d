"""Shop set-up over XML-RPC, as an administrator or an integrator would do it.

Everything here goes through public model methods of a running server: no
Odoo import, no SQL. Both end-to-end test files share it.
"""

import base64
import contextlib
import copy
import hashlib
import hmac
import json
import time
import uuid
import xmlrpc.client
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import requests

CUSTOMER_LOGIN = "siti.rahma@example.id"
CUSTOMER_PASSWORD = "siti-portal-2024"
IN_HOUSE_TRACKING_URL = (
    "https://kurir.batik-nusantara.example.id/lacak?resi=<shipmenttrackingnumber>"
)
IN_HOUSE_WEBHOOK_SECRET = "kurir-toko-webhook-secret"
BITESHIP_WEBHOOK_SECRET = "biteship-webhook-secret"
JNE_WEBHOOK_SECRET = "jne-relay-webhook-secret"
# KiriminAja's callbacks carry the account's API key as bearer token
KIRIMINAJA_API_KEY = "kiriminaja-e2e-key-0123456789"


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


def jne_tracking_url(server):
    """JNE's tracking page template (delivery_carrier_tracking_id_couriers)."""
    carrier = ref(server, "delivery_carrier_tracking_id_couriers.carrier_jne")
    return read_one(server, "delivery.carrier", carrier, ["tracking_url"])[
        "tracking_url"
    ]


def tracking_link(template, number):
    return template.replace("<shipmenttrackingnumber>", number)


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


def set_up_company(server, smtp_port):
    """A shop in Jakarta selling in rupiah, mailing through the test's SMTP sink.

    The fresh database has no accounting entry yet, so the company currency
    may still change to IDR (Biteship quotes in IDR).
    """
    country, jakarta = indonesia(server)
    idr = ref(server, "base.IDR")
    server.execute("res.currency", "write", [idr], {"active": True})
    company = server.execute(
        "res.company", "search_read", [], fields=["partner_id"], limit=1
    )[0]
    server.execute(
        "res.company",
        "write",
        [company["id"]],
        {
            "currency_id": idr,
            # core: the delivery confirmation mail (with the tracking link)
            "stock_move_email_validation": True,
            # delivery_carrier_tracking: mail the customer on "delivered"
            "tracking_delivered_mail": True,
        },
    )
    # The shop's sender address (Odoo 18: the company's alias domain); mails
    # sent from a public request, such as the carrier's webhook, need it.
    alias_domain = server.execute(
        "mail.alias.domain",
        "create",
        {"name": "batik-nusantara.example.id", "default_from": "toko"},
    )
    server.execute(
        "res.company", "write", [company["id"]], {"alias_domain_id": alias_domain}
    )
    server.execute(
        "ir.mail_server",
        "create",
        {
            "name": "e2e SMTP sink",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_encryption": "none",
        },
    )
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
            "list_price": 350000.0,
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


def _delivery_product(server, name):
    return server.execute(
        "product.product",
        "create",
        {"name": name, "type": "service", "list_price": 0.0, "invoice_policy": "order"},
    )


def set_up_in_house_carrier(server):
    """The shop's own courier: fixed price, tracking numbers from a sequence,
    a QWeb label per parcel, a tracking page, signed webhooks from its app."""
    sequence = server.execute(
        "ir.sequence",
        "create",
        {"name": "Kurir Toko waybills", "prefix": "KT", "padding": 8},
    )
    return server.execute(
        "delivery.carrier",
        "create",
        {
            "name": "Kurir Toko",
            "delivery_type": "fixed",
            "fixed_price": 15000.0,
            "product_id": _delivery_product(server, "Kurir Toko (same day)"),
            "is_published": True,
            "tracking_create_label": True,
            "tracking_sequence_id": sequence,
            "tracking_url": IN_HOUSE_TRACKING_URL,
            "tracking_webhook_secret": IN_HOUSE_WEBHOOK_SECRET,
        },
    )


def set_up_biteship_carrier(server, base_url, api_key):
    """JNE REG booked through Biteship, here the stand-in server on loopback."""
    return server.execute(
        "delivery.carrier",
        "create",
        {
            "name": "JNE Reguler (Biteship)",
            "delivery_type": "biteship",
            "product_id": _delivery_product(server, "JNE Reguler"),
            "is_published": True,
            "biteship_api_key": api_key,
            "biteship_base_url": base_url,
            "biteship_courier_company": "jne",
            "biteship_courier_type": "reg",
            # JNE's own page for the waybill (the tracking module's JNE
            # carrier knows it): what the portal links to
            "tracking_url": jne_tracking_url(server),
            "tracking_webhook_secret": BITESHIP_WEBHOOK_SECRET,
        },
    )


def set_up_shop(server, smtp_port, biteship_url, biteship_key):
    """The whole shop, created once per test session."""
    set_up_company(server, smtp_port)
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
    # core's free "Standard delivery" would only clutter the checkout
    server.execute(
        "delivery.carrier",
        "write",
        [ref(server, "delivery.free_delivery_carrier")],
        {"is_published": False},
    )
    shop.carriers["in_house"] = set_up_in_house_carrier(server)
    shop.carriers["biteship"] = set_up_biteship_carrier(
        server, biteship_url, biteship_key
    )
    return shop


@contextlib.contextmanager
def only_at_checkout(server, carriers, hidden):
    """The delivery methods `carriers` shown at checkout and `hidden` not,
    for the block; then the other way round."""
    server.execute("delivery.carrier", "write", hidden, {"is_published": False})
    try:
        yield
    finally:
        server.execute("delivery.carrier", "write", carriers, {"is_published": False})
        server.execute("delivery.carrier", "write", hidden, {"is_published": True})


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


def pay_online(server, provider_id, order_id):
    """The order's full amount paid online with the demo provider, and the
    payment post-processed (as the customer's return from the provider)."""
    values = read_one(
        server, "sale.order", order_id, ["name", "amount_total", "currency_id"]
    )
    values["partner_id"] = read_one(server, "sale.order", order_id, ["partner_id"])[
        "partner_id"
    ]
    tx = server.execute(
        "payment.transaction",
        "create",
        {
            "provider_id": provider_id,
            "payment_method_id": ref(server, "payment_demo.payment_method_demo"),
            "reference": f"{values['name']}-{uuid.uuid4().hex[:6]}",
            "amount": values["amount_total"],
            "currency_id": m2o(values["currency_id"]),
            "partner_id": m2o(values["partner_id"]),
            "sale_order_ids": [(6, 0, [order_id])],
        },
    )
    call_returning_none(server, "payment.transaction", "action_demo_set_done", [tx])
    cron = ref(server, "payment.cron_post_process_payment_tx")
    server.execute("ir.cron", "method_direct_trigger", [cron])


def set_up_fulfilment_policy(server, shop, auto_validate=False):
    """sale_order_fulfilment: invoice paid orders at once (posted, reconciled);
    validate deliveries automatically only when the policy says so."""
    company = server.execute("res.company", "search", [], limit=1)[0]
    server.execute("res.company", "write", [company], {"fulfilment_auto_invoice": True})
    server.execute(
        "website",
        "write",
        [shop.website_id],
        {"fulfilment_auto_validate_delivery": auto_validate},
    )


def delivery_of(server, order_id):
    """The outgoing picking of an order (the story ships in one parcel)."""
    ids = server.execute(
        "stock.picking",
        "search",
        [("sale_id", "=", order_id), ("picking_type_code", "=", "outgoing")],
    )
    assert len(ids) == 1, f"expected one delivery for order {order_id}, got {ids}"
    return ids[0]


# Wizards button_validate may open, and the button a user would press in each.
VALIDATION_WIZARDS = {
    # stock_sms asks once whether to text customers; no SMS service here
    "confirm.stock.sms": "dont_send_sms",
    "stock.backorder.confirmation": "process",
}


def validate_delivery(server, picking_id):
    """The shop's one human step, as a client does it: button_validate, then
    the wizards it opens, answered as a user would."""
    result = server.execute("stock.picking", "button_validate", [picking_id])
    for _step in range(3):
        if not (isinstance(result, dict) and result.get("res_model")):
            break
        model, context = result["res_model"], result.get("context") or {}
        assert model in VALIDATION_WIZARDS, f"unexpected wizard {model}"
        wizard = result.get("res_id") or server.execute(
            model, "create", {}, context=context
        )
        result = server.execute(
            model, VALIDATION_WIZARDS[model], [wizard], context=context
        )
    state = read_one(server, "stock.picking", picking_id, ["state"])["state"]
    assert state == "done", f"delivery {picking_id} is {state} after validation"


def call_returning_none(server, model, method, *args, **kwargs):
    """Call a core method that returns None (e.g. payment_demo's
    action_demo_set_done). Odoo commits before it encodes the answer, so the
    work is done and only XML-RPC's marshalling of None fails: that one fault
    is expected, any other is raised."""
    try:
        return server.execute(model, method, *args, **kwargs)
    except xmlrpc.client.Fault as fault:
        if "cannot marshal None" not in fault.faultString:
            raise
        return None


def shipping_labels(server, picking_id):
    """Label PDFs attached to the delivery: [(name, bytes)]."""
    ids = read_one(server, "stock.picking", picking_id, ["tracking_label_ids"])[
        "tracking_label_ids"
    ]
    rows = server.execute("ir.attachment", "read", ids, fields=["name", "datas"])
    return [(row["name"], base64.b64decode(row["datas"])) for row in rows]


def web_session(url, db, login, password):
    """A requests session logged in as that user, as the browser's cookie
    would be (routes that check the session: /web/content, /report, /my)."""
    session = requests.Session()
    answer = session.post(
        f"{url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": db, "login": login, "password": password},
        },
        timeout=60,
    )
    assert answer.ok and "error" not in answer.json(), answer.text
    return session


def staff(server, login, groups):
    """An internal user of the shop with exactly `groups` (XML ids), and a
    copy of `server` whose XML-RPC calls are made as that user."""
    server.execute(
        "res.users",
        "create",
        {
            "name": login.replace("_", " ").title(),
            "login": login,
            "password": f"{login}-pw-2024",
            "email": f"{login}@batik-nusantara.example.id",
            "groups_id": [(6, 0, [ref(server, xmlid) for xmlid in groups])],
        },
    )
    as_user = copy.copy(server)
    as_user.login, as_user.password, as_user._uid = login, f"{login}-pw-2024", None
    assert as_user.uid, f"{login} cannot log in over XML-RPC"
    return as_user


def in_house_events(server, shop, number, events):
    """The shop's courier app reports `events` [(status, description,
    location)] of parcel `number`, an hour apart up to now, through the
    carrier's signed webhook (event ids unique per parcel)."""
    start = datetime.now(timezone.utc) - timedelta(hours=len(events))
    answer = signed_post(
        f"{server.url}/delivery_tracking/webhook/{shop.carriers['in_house']}",
        IN_HOUSE_WEBHOOK_SECRET,
        {
            "tracking_number": number,
            "events": [
                {
                    "id": f"kt-{number}-{index}",
                    "time": (start + timedelta(hours=index)).isoformat(),
                    "status": status,
                    "description": description,
                    "location": location,
                }
                for index, (status, description, location) in enumerate(events)
            ],
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json().get("accepted") == 1, answer.text
    assert apply_webhook_inbox(server) == {"applied": 1, "unknown": 0, "failed": 0}


def apply_webhook_inbox(server):
    """What follows a webhook's answer in production (accept, then apply, the
    default mode): the inbox cron's run, triggered here as the admin (the
    test servers run no cron thread). What it applied, from the rows it
    handled: {"applied", "unknown", "failed"}."""
    Inbox = "delivery.carrier.webhook.inbox"
    pending = server.execute(Inbox, "search", [("state", "=", "pending")])
    cron = ref(server, "delivery_carrier_tracking.ir_cron_tracking_webhook_inbox")
    server.execute("ir.cron", "method_direct_trigger", [cron])
    # and the mail queue, as the server's cron threads do: the customer mails
    # of what was applied were left queued here
    mails = ref(server, "mail.ir_cron_mail_scheduler_action")
    server.execute("ir.cron", "method_direct_trigger", [mails])
    rows = server.execute(Inbox, "read", pending, ["state", "applied", "unknown"])
    return {
        "applied": sum(row["applied"] for row in rows),
        "unknown": sum(row["unknown"] for row in rows),
        "failed": sum(row["state"] == "failed" for row in rows),
    }


def set_webhook_apply(server, mode):
    """Choose the webhook mode (the Inventory setting *Carrier Webhooks*):
    "inline" for the tests of the apply-before-answering path, "queue" (the
    default) after them."""
    server.execute(
        "ir.config_parameter",
        "set_param",
        "delivery_carrier_tracking.webhook_apply",
        mode,
    )


def signed_post(url, secret, payload):
    """POST a JSON body signed as the tracking webhook contract says:
    hex HMAC-SHA256(secret, "<unix time>." + body)."""
    raw = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(
        secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256
    ).hexdigest()
    return requests.post(
        url,
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Tracking-Timestamp": stamp,
            "X-Tracking-Signature": signature,
        },
        timeout=60,
    )
