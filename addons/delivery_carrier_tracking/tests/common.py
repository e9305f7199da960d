import hashlib
import hmac
import io
import json
import logging
import select
import socket
import threading
import time
from urllib.parse import urlsplit

import psycopg2.errors
from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import _super_send
from odoo.tools.pdf import PdfFileReader
from PyPDF2.generic import ContentStream

_logger = logging.getLogger(__name__)


def pdf_image_sizes_mm(reader, page):
    """(width, height) in millimetres of each image drawn on the page, as
    printed: the content stream's transformation matrices applied."""
    points_per_mm = 72 / 25.4
    stack, ctm, sizes = [], (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            A, B, C, D, E, F = ctm
            ctm = (
                a * A + b * C,
                a * B + b * D,
                c * A + d * C,
                c * B + d * D,
                e * A + f * C + E,
                e * B + f * D + F,
            )
        elif operator == b"Do":
            sizes.append(
                (
                    round(abs(ctm[0]) / points_per_mm, 1),
                    round(abs(ctm[3]) / points_per_mm, 1),
                )
            )
    return sizes


def race(dbname, action):
    """Run action(env) in two real transactions started together, each
    committed; the outcomes: "ok" or the loser's error class name."""
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        with db_connect(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            barrier.wait()
            try:
                action(env)
                # a real, concurrent transaction: it must commit
                cr.commit()  # pylint: disable=invalid-commit
                outcomes.append("ok")
            except Exception as error:  # noqa: BLE001 - the loser's error is expected
                cr.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=worker) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def send_twice_at_once(registry, picking_id, send):
    """send(picking) by two workers at once, each in a transaction of its own
    that commits, retried on a serialization failure as Odoo's request/cron
    retry does; returns what the committed sends returned."""
    results = []

    def worker():
        for _attempt in range(3):
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    result = send(env["stock.picking"].browse(picking_id))
            except psycopg2.errors.SerializationFailure:
                continue
            results.append(result)  # committed
            return

    threads = [threading.Thread(target=worker) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def remove_committed_delivery(env, picking_id, carrier_id, product_ids):
    """Unlink a committed delivery, its booking journal first, then its
    carrier and products."""
    env["delivery.carrier.booking"].search([("picking_ref", "=", picking_id)]).unlink()
    env["stock.picking"].browse(picking_id).unlink()
    env["delivery.carrier"].browse(carrier_id).unlink()
    env["product.product"].browse(product_ids).unlink()


def create_ready_delivery(env, carrier_vals):
    """One consumable to ship to a new customer with a new carrier
    (`carrier_vals` on a service product), confirmed, reserved and picked: for
    tests that commit their records on a cursor of their own, where the class
    fixtures, in the test transaction, are invisible."""
    product = env["product.product"].create({"name": "Courier", "type": "service"})
    carrier = env["delivery.carrier"].create({"product_id": product.id, **carrier_vals})
    customer = env["res.partner"].create(
        {
            "name": "Committed Customer",
            "street": "Jl. Asia Afrika 8",
            "city": "Bandung",
            "zip": "40111",
            "phone": "+62 812 0000 2222",
        }
    )
    goods = env["product.product"].create(
        {"name": "Shirt", "type": "consu", "weight": 0.5}
    )
    picking_type = env["stock.warehouse"].search([], limit=1).out_type_id
    customers = env.ref("stock.stock_location_customers")
    picking = env["stock.picking"].create(
        {
            "picking_type_id": picking_type.id,
            "partner_id": customer.id,
            "carrier_id": carrier.id,
            "location_id": picking_type.default_location_src_id.id,
            "location_dest_id": customers.id,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": goods.name,
                        "product_id": goods.id,
                        "product_uom_qty": 1,
                        "location_id": picking_type.default_location_src_id.id,
                        "location_dest_id": customers.id,
                    },
                )
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    picking.move_ids.write({"quantity": 1, "picked": True})
    return picking


def apply_webhook_inbox(env):
    """What follows a webhook's answer in production (accept, then apply,
    the default mode): the inbox applies the accepted rows as its cron does
    (_cron_tracking_webhook_inbox), here in the test's transaction. Returns
    what the inline mode answers, from the rows it handled: {"applied",
    "unknown", "errors": the reasons of the rows left failed}."""
    Inbox = env["delivery.carrier.webhook.inbox"].sudo()
    rows = Inbox.search([("state", "=", "pending")])
    Inbox._cron_tracking_webhook_inbox()
    # written by the route's environment and the inbox's
    env.invalidate_all()
    return {
        "applied": sum(rows.mapped("applied")),
        "unknown": sum(rows.mapped("unknown")),
        "errors": rows.filtered(lambda row: row.state == "failed").mapped("error"),
    }


class LoopbackRequestsMixin:
    """Requests to a provider's stand-in on loopback reach it unchanged:
    Odoo's test harness otherwise raises every timeout below 10 s (and
    rejects (connect, read) tuples), which would hide timeout handling."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if urlsplit(r.url).hostname == "127.0.0.1":
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)


class TrackingCommon(HttpCase):
    """Real deliveries of a consumable, validated through core's flow.

    HttpCase: the label PDFs are rendered by wkhtmltopdf, which fetches the
    report CSS from the running test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.env.company.partner_id.write(
            {"street": "Jl. Gudang 1", "city": "Jakarta", "zip": "10110"}
        )
        cls.country_id = cls.env.ref("base.id")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Budi Santoso",
                "email": "budi@example.com",
                "street": "Jl. Merdeka 17",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 1111",
                "country_id": cls.country_id.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Batik Shirt", "type": "consu", "weight": 0.75}
        )
        cls.sequence = cls.env["ir.sequence"].create(
            {
                "name": "Test carrier numbers",
                "prefix": "TST",
                "padding": 6,
                "implementation": "standard",
            }
        )
        cls.carrier = cls._create_carrier("Test Courier", sequence=cls.sequence)

    @classmethod
    def _create_carrier(cls, name, sequence=False, delivery_type="fixed", **vals):
        product = cls.env["product.product"].create(
            {"name": name, "type": "service", "sale_ok": False}
        )
        return cls.env["delivery.carrier"].create(
            {
                "name": name,
                "delivery_type": delivery_type,
                "product_id": product.id,
                "fixed_price": 10.0,
                "tracking_create_label": True,
                "tracking_sequence_id": sequence and sequence.id,
                "tracking_url": "https://track.example.com/t?n=<shipmenttrackingnumber>",
                **vals,
            }
        )

    def _in_new_transaction(self, func):
        """func(env) on a cursor of its own, committed on exit: other
        connections never see the test transaction."""
        with db_connect(self.env.cr.dbname).cursor() as cr:
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _create_picking(self, carrier=None, partner=None, qty=2.0, product=None):
        product = product or self.product
        picking_type = self.warehouse.out_type_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": (partner or self.customer).id,
                "carrier_id": (carrier or self.carrier).id,
                "origin": "S-TEST",
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": product.uom_id.id,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.write({"quantity": qty, "picked": True})
        return picking

    def _validate(self, picking):
        res = picking.button_validate()
        self.assertIs(res, True, "validation should not need a wizard")
        self.assertEqual(picking.state, "done")
        return picking

    def _portal_customer_order(self, login):
        """A portal user for the customer and their confirmed order of two
        products with the carrier."""
        portal = new_test_user(
            self.env, login, groups="base.group_portal", partner_id=self.customer.id
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "carrier_id": self.carrier.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        return portal, order

    def _create_return(self, picking, qty=1.0, carrier=None):
        """A return of `qty` of each product of a done delivery, made with
        core's wizard (which clears the carrier: the return module keeps it;
        here it is set again), ready to receive."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = qty
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        returned.carrier_id = carrier or picking.carrier_id
        return returned

    def _pdf_pages(self, attachment):
        reader = PdfFileReader(io.BytesIO(attachment.raw), strict=False)
        # wkhtmltopdf separates words with tabs
        return [" ".join(page.extract_text().split()) for page in reader.pages]

    def _post_webhook(
        self, carrier, body, secret, timestamp=None, signature=None, apply=True
    ):
        """POST to the carrier's webhook, signed with `secret` (generic HMAC
        scheme) unless a signature is given; then, unless apply=False, the
        inbox applies what was accepted, its outcome kept on the answer as
        `outcome` (apply_webhook_inbox)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        if signature is None:
            signature = self._signature(secret, timestamp, raw)
        # url_open() would GET an empty body: post explicitly
        response = self.opener.post(
            f"{self.base_url()}/delivery_tracking/webhook/{carrier.id}",
            data=raw,
            timeout=12,
            headers={
                "Content-Type": "application/json",
                "X-Tracking-Timestamp": timestamp,
                "X-Tracking-Signature": signature,
            },
        )
        if apply:
            response.outcome = apply_webhook_inbox(self.env)
        return response

    @staticmethod
    def _signature(secret, timestamp, raw):
        """The generic webhook scheme: hex HMAC-SHA256 of "<timestamp>." + body."""
        return hmac.new(
            secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256
        ).hexdigest()

    def _raw_post(self, path, headers, body=b"", length=None, chunked_size=0):
        """POST through a bare socket what requests cannot send: a
        Content-Length larger than the bytes that follow, or a chunked body of
        `chunked_size` bytes sent until the server answers. Returns the
        answer's status and body."""
        url = urlsplit(self.base_url())
        lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}"]
        lines.append("Content-Type: application/json")
        if chunked_size:
            lines.append("Transfer-Encoding: chunked")
        else:
            lines.append(f"Content-Length: {len(body) if length is None else length}")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        with socket.create_connection((url.hostname, url.port), timeout=15) as sock:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            chunk = b" " * 65536
            try:
                for _i in range(chunked_size // len(chunk)):
                    if select.select([sock], [], [], 0)[0]:
                        break  # answered before the end
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                else:
                    if chunked_size:
                        sock.sendall(b"0\r\n\r\n")
            except OSError as error:  # refused while sending: the answer waits
                _logger.info("The server stopped reading the body: %s", error)
            answer = b""
            while True:
                try:
                    part = sock.recv(65536)
                except ConnectionResetError:  # closed with our bytes unread
                    part = b""
                if not part:
                    break
                answer += part
        head, _sep, content = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), content
