"""Upgrade of a shop made with the version before COD became payment_custom's
'cod' mode: a database is built with that version's add-ons (taken from this
repository's history), a COD order is paid there as its checkout did (and
Biteship methods made with its own rate-shopping option), then the database
is upgraded with the current add-ons and read back."""

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The last commit with the 'cod' provider code (before the one-order-model
# restructure): the version shops run before upgrading.
BEFORE = "58b1f23"
DB = "fulfil_migration_cod"

MAKE_COD_ORDER = """
import json
from odoo import Command
env = env(context=dict(env.context, tracking_disable=True))
provider = env.ref("sale_order_fulfilment_cod.payment_provider_cod")
provider.write({"state": "enabled", "is_published": True})
method = env.ref("sale_order_fulfilment_cod.payment_method_cod")
product = env["product.product"].create(
    {"name": "Kopi Gayo 1 kg", "type": "consu", "list_price": 100.0,
     "invoice_policy": "order", "taxes_id": [Command.clear()]}
)
carrier = env["delivery.carrier"].create(
    {"name": "Kurir Toko COD", "delivery_type": "fixed", "fixed_price": 10.0,
     "product_id": env["product.product"].create(
         {"name": "Kurir Toko COD", "type": "service", "taxes_id": []}).id,
     "cod_allowed": True, "cod_fee": 4.0}
)
env.ref("sale_order_fulfilment_cod.product_cod_fee").taxes_id = [Command.clear()]
customer = env["res.partner"].create({"name": "Rina", "email": "rina@example.com"})
order = env["sale.order"].create(
    {"partner_id": customer.id, "website_id": env["website"].search([], limit=1).id,
     "order_line": [Command.create({"product_id": product.id})]}
)
order.set_delivery_line(carrier, 10.0)
order._cod_set_fee_line()
tx = env["payment.transaction"].create(
    {"provider_id": provider.id, "payment_method_id": method.id,
     "amount": order.amount_total, "currency_id": order.currency_id.id,
     "partner_id": customer.id, "reference": order.name + "-cod",
     "operation": "online_redirect", "sale_order_ids": [Command.set(order.ids)]}
)
tx._handle_notification_data("cod", {"reference": tx.reference})
tx._post_process()
# two Biteship methods: one shopping rates with its own option of the time
biteship = {
    shopping: env["delivery.carrier"].create(
        {"name": f"Biteship {shopping}", "delivery_type": "biteship",
         "product_id": carrier.product_id.id, "biteship_rate_shopping": shopping,
         "biteship_courier_company": "jne", "biteship_courier_type": "reg"}
    ).id
    for shopping in (True, False)
}
env.cr.commit()
print("RESULT " + json.dumps({
    "order": order.id, "tx": tx.id, "provider": provider.id, "carrier": carrier.id,
    "product": product.id, "code": provider.code, "state": order.state,
    "shopping": biteship[True], "single": biteship[False],
}))
"""

READ_BACK = """
import json
from odoo import Command
ids = json.loads(%r)
provider = env["payment.provider"].browse(ids["provider"])
order = env["sale.order"].browse(ids["order"])
tx = env["payment.transaction"].browse(ids["tx"])
module = env["ir.module.module"].search([("name", "=", "sale_order_fulfilment_cod")])
cart = env["sale.order"].create(
    {"partner_id": order.partner_id.id, "website_id": order.website_id.id,
     "order_line": [Command.create({"product_id": ids["product"]})]}
)
cart.set_delivery_line(env["delivery.carrier"].browse(ids["carrier"]), 10.0)
offered = env["payment.provider"]._get_compatible_providers(
    order.company_id.id, cart.partner_id.id, cart.amount_total,
    sale_order_id=cart.id,
)
print("RESULT " + json.dumps({
    "version": module.latest_version,
    "code": provider.code, "custom_mode": provider.custom_mode or "",
    "provider_state": provider.state,
    "ref": env.ref("sale_order_fulfilment_cod.payment_provider_cod").id,
    "tx_provider": tx.provider_id.id, "tx_state": tx.state,
    "order_state": order.state, "is_cod": order.is_cod,
    "cod_state": order.cod_state, "cod_amount": order.cod_amount,
    "may_automate": order.fulfilment_may_automate,
    "offered": provider in offered,
    "rate_shopping": {
        key: env["delivery.carrier"].browse(ids[key]).checkout_rate_shopping
        for key in ("shopping", "single")
    },
}))
"""


def odoo(*args, addons, script=None):
    """odoo-bin with the test configuration and these add-ons; a script runs
    in `odoo-bin shell` and prints its RESULT line."""
    conf = os.environ.get("FULFIL_ODOO_CONF")
    if not conf:
        pytest.fail("run the migration test through `make test` (scripts/test.sh)")
    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
    addons_path = f"{odoo_src}/addons,{odoo_src}/odoo/addons,{addons}"
    command = [sys.executable, f"{odoo_src}/odoo-bin"]
    if script:
        command.append("shell")
    command += ["-c", conf, "-d", DB, f"--addons-path={addons_path}", *args]
    done = subprocess.run(
        command, input=script, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    if script:
        lines = [
            line for line in done.stdout.splitlines() if line.startswith("RESULT ")
        ]
        assert lines, done.stdout[-2000:] + done.stderr[-4000:]
        return json.loads(lines[-1][len("RESULT ") :])
    return None


@pytest.fixture
def database_of_the_version_before():
    template = os.environ.get("FULFIL_TEMPLATE_DB")
    if not template:
        pytest.fail("run the migration test through `make test` (scripts/test.sh)")
    shell = f'source "{ROOT}/scripts/lib.sh"; copy_db "{template}" "{DB}"'
    subprocess.run(["bash", "-c", shell], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp, "before.tar")
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", "-o", str(archive), BEFORE, "addons"],
            check=True,
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp, "addons")
    subprocess.run(["dropdb", "--if-exists", "--force", DB], check=True)


def test_cod_provider_orders_and_transactions_migrated(database_of_the_version_before):
    before = database_of_the_version_before
    odoo(
        "-i",
        "sale_order_fulfilment_cod,delivery_biteship",
        "--stop-after-init",
        "--without-demo=all",
        "--log-level=warn",
        addons=before,
    )
    made = odoo("--no-http", addons=before, script=MAKE_COD_ORDER)
    assert made["code"] == "cod"
    assert made["state"] == "sale"

    odoo(
        # the shop upgrades all our modules at once (their code changed
        # together); those it does not have installed are left alone
        "-u",
        ",".join(
            sorted(path.parent.name for path in ROOT.glob("addons/*/__manifest__.py"))
        ),
        "--stop-after-init",
        "--log-level=warn",
        addons=ROOT / "addons",
    )
    now = odoo("--no-http", addons=ROOT / "addons", script=READ_BACK % json.dumps(made))
    assert now["version"] == "18.0.1.1.0"
    # the same provider record, now payment_custom's in the COD mode, as enabled
    assert now["ref"] == made["provider"]
    assert (now["code"], now["custom_mode"]) == ("custom", "cod")
    assert now["provider_state"] == "enabled"
    # its pending transaction and the order awaiting the cash are kept as they were
    assert now["tx_provider"] == made["provider"]
    assert now["tx_state"] == "pending"
    assert (now["order_state"], now["is_cod"], now["cod_state"]) == (
        "sale",
        True,
        "to_collect",
    )
    assert now["cod_amount"] == 114.0
    assert now["may_automate"] is True
    # and the checkout offers it again for a cart with the COD carrier
    assert now["offered"] is True
    # delivery_biteship 18.0.1.2.0: its own "Several Courier Services" became
    # the checkout contract's option, kept on the method that had it
    assert now["rate_shopping"] == {"shopping": True, "single": False}
