"""The harness proves itself: a real server, reached over HTTP and XML-RPC."""

import os
import subprocess
import sys
import xmlrpc.client
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent

OUR_MODULES = {
    "sale_order_fulfilment",
    "delivery_carrier_tracking",
    "delivery_biteship",
    "sale_order_fulfilment_tracking",
}


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
    assert (
        'action="/shop/cart/update"' in page.text
        or "o_wsale_products_page" in page.text
    )


def test_without_odoo_source_setup_stops_naming_odoo_src(tmp_path):
    """No Odoo tree and no network: a non-zero exit that says what to provide."""
    env = dict(os.environ, ODOO_SRC=str(tmp_path / "no-odoo"))
    # Refusing git's https transport stands for a machine without network.
    env["GIT_ALLOW_PROTOCOL"] = "file"
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup.sh")],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "ODOO_SRC" in done.stderr
    assert not (tmp_path / "no-odoo").exists()


def test_websocket_process_can_start():
    """Odoo in multi-worker mode (how shops run it) starts its websocket
    process as `odoo-bin gevent`, which imports Odoo evented (gevent's
    monkey-patching): it must work in our virtualenv (it died on zope's
    normalised metadata names, and the master restarted it in a loop)."""
    result = subprocess.run(
        [sys.executable, "-c", "import odoo; assert odoo.evented", "gevent"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
