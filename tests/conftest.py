"""End-to-end fixtures: a real Odoo server process on a free loopback port.

scripts/test.sh prepares the database (FULFIL_E2E_DB, a fresh copy with our
modules installed) and the configuration (FULFIL_ODOO_CONF); these tests talk
to the server only over HTTP and XML-RPC, as an outside system would.
"""

import importlib.util
import os
import socket
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import e2e_data
import psycopg2
import pytest
import requests
from e2e_browser import Chromium
from e2e_smtp import SmtpSink

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
# pytest-xdist's worker name (gw0, gw1...), empty when the suite runs in one
# process. Each worker has its own copies of the databases (pytest-odoo copies
# the in-process one; odoo_server below the end-to-end one).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def pytest_configure(config):
    """Once per run (in the controller when distributed): this run's
    screenshots only."""
    if WORKER:
        return
    for old in (ARTIFACTS / "screenshots").glob("*.png"):
        old.unlink()


def _copy_db(source, target):
    """A database with its filestore, as scripts/lib.sh copies them."""
    subprocess.run(
        ["bash", "-c", f'source "{ROOT}/scripts/lib.sh"; copy_db "$0" "$1"']
        + [source, target],
        check=True,
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    def __init__(self, db, port):
        self.db = db
        self.url = f"http://127.0.0.1:{port}"
        self.login = "admin"
        self.password = "admin"
        self._uid = None

    @property
    def uid(self):
        if self._uid is None:
            common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
            self._uid = common.authenticate(self.db, self.login, self.password, {})
        return self._uid

    def execute(self, model, method, *args, **kwargs):
        """One XML-RPC call as admin, the way an integrating system makes it."""
        proxy = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/object", allow_none=False
        )
        return proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="session")
def odoo_server():
    db = os.environ.get("FULFIL_E2E_DB")
    conf = os.environ.get("FULFIL_ODOO_CONF")
    if not (db and conf):
        pytest.fail("run the end-to-end tests through `make test` (scripts/test.sh)")
    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
    if WORKER:
        db = f"{db}-{WORKER}"
        _copy_db(os.environ["FULFIL_E2E_DB"], db)
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = f"-{WORKER}" if WORKER else ""
    log = open(ARTIFACTS / f"e2e-server{suffix}.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            f"{odoo_src}/odoo-bin",
            "-c",
            conf,
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = OdooServer(db, port)
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Odoo server exited ({proc.returncode}), see {log.name}")
            try:
                if requests.get(f"{server.url}/web/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass  # not listening yet, or still loading the registry
            if time.monotonic() > deadline:
                pytest.fail(f"Odoo server did not answer in 120 s, see {log.name}")
            time.sleep(0.5)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if WORKER:
            subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)


class BiteshipStandIn:
    """delivery_biteship's stand-in Biteship API, run as its own process."""

    api_key = "biteship_test.e2e"

    def __init__(self):
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        script = ROOT / "addons/delivery_biteship/tests/biteship_server.py"
        if not script.exists():
            pytest.fail(f"{script} is missing (delivery_biteship's stand-in)")
        self.proc = subprocess.Popen(
            [sys.executable, str(script), "--port", str(port)]
            + ["--api-key", self.api_key],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{self.url}/_control/stats", timeout=2)
                break
            except requests.RequestException:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    pytest.fail("the Biteship stand-in did not start")
                time.sleep(0.2)

    def control(self, path, body=None):
        """POST (or GET without body) to its /_control/ API."""
        url = f"{self.url}/_control/{path}"
        answer = (
            requests.post(url, json=body, timeout=30)
            if body is not None
            else requests.get(url, timeout=30)
        )
        assert answer.ok, f"stand-in {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def _kiriminaja_standin_class():
    """delivery_kiriminaja's stand-in KiriminAja API (a module of its tests,
    plain Python: loaded from its file, not through Odoo's addons)."""
    script = ROOT / "addons/delivery_kiriminaja/tests/kiriminaja_server.py"
    if not script.exists():
        pytest.fail(f"{script} is missing (delivery_kiriminaja's stand-in)")
    spec = importlib.util.spec_from_file_location("kiriminaja_server", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.KiriminAjaStandIn


@pytest.fixture
def database(odoo_server):
    """(conn, monitor) on the server's database: conn with autocommit off,
    so that a test's transaction holds its locks until commit(); monitor
    autocommitted, to watch pg_stat_activity meanwhile."""
    conn = psycopg2.connect(dbname=odoo_server.db)
    monitor = psycopg2.connect(dbname=odoo_server.db)
    monitor.autocommit = True
    try:
        yield conn, monitor
    finally:
        conn.rollback()
        conn.close()
        monitor.close()


@pytest.fixture
def inline_webhooks(odoo_server):
    """Webhooks applied before the answer (*Apply before answering*), for
    the tests of that path's races; the default (accept, then apply) after."""
    e2e_data.set_webhook_apply(odoo_server, "inline")
    try:
        yield
    finally:
        e2e_data.set_webhook_apply(odoo_server, "queue")


@pytest.fixture(scope="session")
def biteship():
    standin = BiteshipStandIn()
    try:
        yield standin
    finally:
        standin.close()


@pytest.fixture(scope="session")
def kiriminaja():
    """The stand-in KiriminAja on a loopback port, served by a thread of
    this process: the Odoo server calls it over HTTP, the tests read what
    it was asked (``calls``, ``orders``) and post its callbacks."""
    standin = _kiriminaja_standin_class()(api_key=e2e_data.KIRIMINAJA_API_KEY)
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()


@pytest.fixture(scope="session")
def smtp_sink():
    """Where the server's mails go: a loopback SMTP server in this process."""
    sink = SmtpSink()
    try:
        yield sink
    finally:
        sink.close()


@pytest.fixture(scope="session")
def shop(odoo_server, smtp_sink, biteship):
    """The shop of the end-to-end story: company, product, customer, payment,
    an in-house courier and a Biteship courier served by the stand-in."""
    return e2e_data.set_up_shop(
        odoo_server, smtp_sink.port, biteship.url, biteship.api_key
    )


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium, driven over the DevTools protocol."""
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = f"-{WORKER}" if WORKER else ""
    browser = Chromium(log_path=ARTIFACTS / f"chromium{suffix}.log")
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def customer_page(chromium, odoo_server, shop):
    """A browser page logged in as the shop's portal customer."""
    page = chromium.new_page()
    page.login(odoo_server.url, shop.customer_login, shop.customer_password)
    return page


@pytest.fixture(scope="session")
def screenshots():
    """Where a run leaves its screenshots (artifacts/ is git-ignored)."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
