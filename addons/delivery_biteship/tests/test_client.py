import logging
import time

from odoo.addons.delivery_biteship.biteship import (
    BiteshipAuthError,
    BiteshipBadResponse,
    BiteshipClient,
    BiteshipConnectionError,
    BiteshipNotFound,
    BiteshipRequestError,
    BiteshipServerError,
    BiteshipTimeout,
)
from odoo.tests import BaseCase, tagged

from .biteship_server import BiteshipStandIn
from .common import (
    API_KEY as KEY,
    BiteshipStandInMixin,
)

ITEMS = [{"name": "Kopi", "value": 50000, "weight": 1200, "quantity": 2}]
ORDER = {
    "origin_contact_name": "Toko",
    "origin_contact_phone": "0812",
    "origin_address": "Jl. Sudirman 1",
    "origin_postal_code": 12190,
    "destination_contact_name": "Budi",
    "destination_contact_phone": "0813",
    "destination_address": "Jl. Braga 2",
    "destination_postal_code": 40111,
    "courier_company": "jne",
    "courier_type": "reg",
    "delivery_type": "now",
    "items": ITEMS,
}


@tagged("post_install", "-at_install")
class TestBiteshipClient(BiteshipStandInMixin, BaseCase):
    def setUp(self):
        super().setUp()
        self.client = BiteshipClient(KEY, self.server.url, timeout=(0.5, 0.5))

    def test_rates(self):
        answer = self.client.get_rates(
            {
                "origin_postal_code": 12190,
                "destination_postal_code": 40111,
                "couriers": "jne,sicepat",
                "items": ITEMS,
            }
        )
        reg = [
            p for p in answer["pricing"] if (p["company"], p["type"]) == ("jne", "reg")
        ]
        self.assertEqual(reg[0]["price"], 9000 * 3)  # 2.4 kg -> 3 kg
        self.assertEqual({p["company"] for p in answer["pricing"]}, {"jne", "sicepat"})
        with self.assertRaises(BiteshipRequestError) as caught:
            self.client.get_rates({"origin_postal_code": 12190, "couriers": "jne"})
        self.assertEqual(caught.exception.status, 400)
        self.assertIn("destination_postal_code", caught.exception.message)

    def test_order_life_cycle(self):
        order = self.client.create_order(ORDER)
        self.assertEqual(order["status"], "confirmed")
        self.assertTrue(order["courier"]["waybill_id"])
        self.assertEqual(self.client.get_order(order["id"])["id"], order["id"])
        tracking = self.client.get_tracking(order["courier"]["tracking_id"])
        self.assertEqual(tracking["order_id"], order["id"])
        self.assertEqual(tracking["history"][0]["status"], "confirmed")
        public = self.client.get_public_tracking(order["courier"]["waybill_id"], "jne")
        self.assertEqual(public["id"], order["courier"]["tracking_id"])
        self.assertEqual(
            self.client.cancel_order(order["id"], "others", "stock out")["status"],
            "cancelled",
        )
        with self.assertRaises(BiteshipRequestError) as caught:
            self.client.cancel_order(order["id"], "others", "again")
        # not cancellable any more (https://biteship.com/id/docs/api/orders/error)
        self.assertEqual(caught.exception.code, 40002053)
        self.assertEqual(self.server.orders_created, 1)

    def test_request_errors(self):
        with self.assertRaises(BiteshipRequestError) as caught:
            self.client.create_order(dict(ORDER, destination_contact_phone=""))
        self.assertIn("destination_contact_phone", str(caught.exception))
        # an unknown order is HTTP 400 with its own code: not found by code
        with self.assertRaises(BiteshipNotFound) as caught:
            self.client.get_order("0" * 24)
        self.assertEqual(
            (caught.exception.status, caught.exception.code), (400, 40002057)
        )
        with self.assertRaises(BiteshipRequestError):
            self.client.get_order("../rates/couriers")
        self.assertEqual(self.server.requests, 2)  # the bad id never left
        self.assertEqual(self.server.orders_created, 0)

    def test_auth(self):
        with self.assertRaises(BiteshipAuthError):
            BiteshipClient("", self.server.url)
        # a wrong key is HTTP 400 (not 401) with 40000001: a configuration
        # error by its code
        client = BiteshipClient("biteship_test.wrong", self.server.url)
        with self.assertRaises(BiteshipAuthError) as caught:
            client.get_order("a" * 24)
        self.assertEqual(
            (caught.exception.status, caught.exception.code), (400, 40000001)
        )
        self.assertEqual(caught.exception.kind, "configuration")
        self.assertFalse(caught.exception.transient)
        self.assertNotIn("wrong", str(caught.exception))

    def test_faults(self):
        order = self.client.create_order(ORDER)
        cases = [
            ("500", BiteshipServerError),
            ("401", BiteshipAuthError),
            ("malformed", BiteshipBadResponse),
            ("reset", BiteshipConnectionError),
            ("timeout", BiteshipTimeout),
        ]
        for kind, error in cases:
            with self.subTest(kind=kind):
                self.server.inject(kind, delay=3)
                start = time.monotonic()
                with self.assertRaises(error):
                    self.client.get_order(order["id"])
                self.assertLess(time.monotonic() - start, 1.5)
                # the fault was for one request only
                self.assertEqual(self.client.get_order(order["id"])["id"], order["id"])

    def test_connection_refused(self):
        closed = BiteshipStandIn(api_key=KEY).start()
        url = closed.url
        closed.stop()
        with self.assertRaises(BiteshipConnectionError):
            BiteshipClient(KEY, url, timeout=(0.5, 0.5)).get_order("a" * 24)

    def test_key_never_logged(self):
        seen = []
        client = BiteshipClient(
            KEY,
            self.server.url,
            timeout=(0.5, 0.5),
            log_hook=lambda text, func: seen.append(f"{func} {text}"),
        )
        logger = "odoo.addons.delivery_biteship.biteship.client"
        with self.assertLogs(logger, logging.DEBUG) as logs:
            order = client.create_order(ORDER)
            client.get_order(order["id"])
            self.server.inject("401")
            with self.assertRaises(BiteshipAuthError) as caught:
                client.get_order(order["id"])
        self.assertTrue(seen)
        for text in [*seen, *logs.output, str(caught.exception), repr(client)]:
            self.assertNotIn(KEY, text)
