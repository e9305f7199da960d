"""Headless Debian Chromium driven over the DevTools protocol.

Playwright would need greenlet>=3.1, which Odoo 18 pins to 2.0.2 on Python 3.11,
so the two cannot share the project's virtualenv. The DevTools protocol over
websocket-client (already required for Odoo's own browser tours) is all these
tests need: open pages, click, type, wait for the DOM and take screenshots.
Each Page is its own browser context, i.e. its own cookies (customer, admin).
"""

import base64
import contextlib
import itertools
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import e2e_data
import websocket
from e2e_data import m2o, read_one, wait_until

CHROMIUM = "/usr/bin/chromium"
# The README's pictures: retaken by every end-to-end run, at the moments the
# README describes (the run overwrites them; commit them with the change).
DOC_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1280,800",
]
# Odoo's frontend is usable once its public root is mounted and the lazy JS
# no longer holds clicks back.
PAGE_READY_JS = """
document.readyState === 'complete'
    && !!(window.odoo && (odoo.__WOWL_DEBUG__ || odoo.isReady))
    && !document.body.classList.contains('o_lazy_js_waiting')
"""


@contextlib.contextmanager
def _address_space_unlimited():
    """An in-process Odoo HTTP server (pytest-odoo --odoo-http) caps this
    process's address space at limit_memory_hard, which children inherit;
    Chromium reserves far more virtual memory and dies at start (SIGTRAP)
    under that cap. Lifted (up to the hard limit) just while it is spawned."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class BrowserError(AssertionError):
    """A step in the browser did not reach the expected page state in time."""


class Chromium:
    """One headless Chromium process; pages are opened in isolated contexts."""

    def __init__(self, executable=CHROMIUM, log_path=None):
        self.profile = tempfile.mkdtemp(prefix="e2e-chromium-")
        self.log = open(log_path or os.devnull, "wb")  # noqa: SIM115 (closed below)
        with _address_space_unlimited():
            self.proc = subprocess.Popen(
                [
                    executable,
                    *FLAGS,
                    "--remote-debugging-port=0",
                    f"--user-data-dir={self.profile}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
        port_file = Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise BrowserError(
                    f"chromium did not open its DevTools port (exit code "
                    f"{self.proc.returncode}), see {self.log.name}"
                )
            time.sleep(0.1)
        port, path = port_file.read_text().split("\n")[:2]
        self.http = f"http://127.0.0.1:{port}"
        self.cdp = _Connection(f"ws://127.0.0.1:{port}{path}")

    def new_page(self, width=1280, height=800):
        context = self.cdp.send("Target.createBrowserContext")["browserContextId"]
        target = self.cdp.send(
            "Target.createTarget",
            url="about:blank",
            browserContextId=context,
        )["targetId"]
        ws_base = self.http.replace("http://", "ws://")
        page = Page(_Connection(f"{ws_base}/devtools/page/{target}"))
        page.resize(width, height)
        return page

    def close(self):
        if getattr(self, "cdp", None):
            self.cdp.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class _Connection:
    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)

    def send(self, method, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") != msg_id:
                continue  # events: we poll the DOM instead of following them
            if "error" in msg:
                raise BrowserError(f"{method}: {msg['error']}")
            return msg["result"]

    def close(self):
        self.ws.close()


class Page:
    """A tab: navigation, DOM waits and actions written as small JS snippets."""

    def __init__(self, cdp):
        self.cdp = cdp
        self.cdp.send("Page.enable")
        self.cdp.send("Runtime.enable")

    # -- low level -----------------------------------------------------------
    def js(self, expression):
        """Evaluate in the page (promises awaited); returns the JSON value."""
        result = self.cdp.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            detail = result["exceptionDetails"]
            text = detail.get("exception", {}).get("description") or detail["text"]
            raise BrowserError(f"JS error: {text}")
        return result["result"].get("value")

    def wait_js(self, expression, timeout=30, what=None):
        """Poll until the expression is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.js(expression)
            except BrowserError:
                value = None  # the page is changing under us; try again
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(
                    f"timed out waiting for {what or expression!r} on {self.url}"
                )
            time.sleep(0.2)

    def resize(self, width, height):
        self.width = width
        self.cdp.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    @property
    def url(self):
        return self.js("location.href")

    # -- navigation ------------------------------------------------------------
    def goto(self, url, odoo_page=True):
        """Open url; odoo_page=False for pages without Odoo's JS (reports)."""
        self._mark()
        self.cdp.send("Page.navigate", url=url)
        self.wait_new_page(odoo_page=odoo_page)

    def _mark(self):
        self.js("window.__e2e_old_page = true")

    def wait_new_page(self, url_part=None, timeout=60, odoo_page=True):
        """After an action that loads another document (possibly via redirects)."""
        ready = PAGE_READY_JS if odoo_page else "document.readyState === 'complete'"
        cond = "!window.__e2e_old_page && " + ready.strip()
        if url_part:
            cond += f" && location.href.includes({json.dumps(url_part)})"
        self.wait_js(cond, timeout=timeout, what=f"new page {url_part or ''}")

    # -- DOM -------------------------------------------------------------------
    def wait_for(self, selector, timeout=30, text=None, enabled=False):
        """Wait for a visible element matching selector (and containing text)."""
        cond = f"""(() => {{
            for (const el of document.querySelectorAll({json.dumps(selector)})) {{
                if (!el.getClientRects().length) continue;
                if ({json.dumps(enabled)} && (el.disabled
                    || el.classList.contains('disabled'))) continue;
                if ({json.dumps(text)} !== null
                    && !el.textContent.includes({json.dumps(text)})) continue;
                return true;
            }}
            return false;
        }})()"""
        label = selector + (f" containing {text!r}" if text else "")
        self.wait_js(cond, timeout=timeout, what=label)

    def _first(self, selector, text=None):
        return f"""[...document.querySelectorAll({json.dumps(selector)})].find(
            el => el.getClientRects().length
                && ({json.dumps(text)} === null
                    || el.textContent.includes({json.dumps(text)})))"""

    def click(self, selector, text=None, navigates=False, url_part=None, timeout=30):
        self.wait_for(selector, timeout=timeout, text=text, enabled=True)
        if navigates:
            self._mark()
        self.js(f"{self._first(selector, text)}.click()")
        if navigates:
            self.wait_new_page(url_part)

    def fill(self, selector, value):
        self.wait_for(selector)
        self.js(
            f"""(() => {{
            const el = {self._first(selector)};
            el.focus();
            el.value = {json.dumps(value)};
            el.dispatchEvent(new Event('input', {{bubbles: true}}));
            el.dispatchEvent(new Event('change', {{bubbles: true}}));
        }})()"""
        )

    def text(self, selector="body"):
        return self.js(
            f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''"
        )

    def attr_all(self, selector, attr):
        return self.js(
            f"[...document.querySelectorAll({json.dumps(selector)})]"
            f".map(el => el.getAttribute({json.dumps(attr)}))"
        )

    def screenshot(self, path, full_page=False, until=None):
        """PNG of the viewport; full_page: the whole page; until: from the top
        to the bottom of the element matching this selector."""
        params = {"format": "png"}
        if full_page or until:
            height = self.js(
                f"""Math.ceil(document.querySelector({json.dumps(until)})
                    .getBoundingClientRect().bottom + window.scrollY + 24)"""
                if until
                else "document.documentElement.scrollHeight"
            )
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": self.width,
                "height": min(height, 4000),
                "scale": 1,
            }
            params["captureBeyondViewport"] = True
        data = self.cdp.send("Page.captureScreenshot", **params)["data"]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(base64.b64decode(data))
        return path

    def doc_screenshot(self, name, **kwargs):
        """The README's picture docs/screenshots/<name>.png, taken now
        (arguments as screenshot())."""
        return self.screenshot(DOC_SCREENSHOTS / f"{name}.png", **kwargs)

    # -- Odoo ------------------------------------------------------------------
    def login(self, base_url, login, password):
        self.goto(f"{base_url}/web/login")
        self.fill("input[name=login]", login)
        self.fill("input[name=password]", password)
        self.click("form.oe_login_form button[type=submit]", navigates=True)
        if "/web/login" in self.url:
            raise BrowserError(f"login as {login} failed: {self.text('.alert')}")

    def fetch(self, url):
        """GET with the page's cookies (e.g. a PDF link): status and content type."""
        return self.js(
            f"""fetch({json.dumps(url)}, {{credentials: 'include'}}).then(r => ({{
                status: r.status, type: r.headers.get('content-type') || ''}}))"""
        )


def doc_pdf_screenshot(pdf, name, dpi=90):
    """The README's picture of a PDF: its first page as
    docs/screenshots/<name>.png (poppler's pdftoppm)."""
    path = DOC_SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="e2e-pdf-") as tmp:
        source = Path(tmp, "doc.pdf")
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1"]
            + ["-singlefile", str(source), str(path.with_suffix(""))],
            check=True,
            timeout=60,
        )
    return path


def cart_to_delivery_step(page, server, shop, carrier_id):
    """As the logged-in customer: the shop's product from /shop into the cart,
    on to the checkout, and the delivery method `carrier_id` chosen; waits
    until the cart holds it and the payment step can be reached. Returns the
    cart (its id and state) as read over XML-RPC."""
    page.goto(f"{server.url}/shop")
    page.click("#products_grid a", text=shop.product_name, navigates=True)
    page.click("#add_to_cart")
    page.wait_for("sup.my_cart_quantity", text="1")
    page.goto(f"{server.url}/shop/cart")
    page.click('a[href^="/shop/checkout"]', navigates=True, url_part="/shop/checkout")
    cart = e2e_data.last_order(server, shop.customer_partner_id)
    assert cart and cart["state"] == "draft", cart
    page.click(f'input[name="o_delivery_radio"][data-dm-id="{carrier_id}"]')
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
    return cart


def pay_with_demo_card(page):
    """From the checkout's delivery step: on to the payment step, pay with the
    demo provider's test card, and wait for Odoo's confirmation page."""
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
