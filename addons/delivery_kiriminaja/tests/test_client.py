import logging

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..kiriminaja import (
    KiriminAjaAuthError,
    KiriminAjaBadResponse,
    KiriminAjaClient,
    KiriminAjaRequestError,
    KiriminAjaServerError,
    KiriminAjaTimeout,
)
from ..kiriminaja.client import LIVE_URL, SANDBOX_URL, SHIPPING_PRICE
from .common import API_KEY, KiriminAjaCommon


@tagged("post_install", "-at_install")
class TestClient(KiriminAjaCommon):
    def _client(self, key=API_KEY, **kw):
        return KiriminAjaClient(key, base_url=self.server.url, **kw)

    def test_bearer_key_and_answers(self):
        data = self._client().districts_by_name("Ngemplak")
        self.assertEqual(sorted(d["id"] for d in data), [1251, 5789])
        with self.assertRaises(KiriminAjaAuthError) as caught:
            self._client("wrong-key").districts_by_name("Ngemplak")
        self.assertNotIn("wrong-key", str(caught.exception))
        with self.assertRaises(KiriminAjaAuthError):
            KiriminAjaClient("")
        self.assertNotIn(API_KEY, repr(self._client()))

    def test_refusals_are_typed(self):
        # status false: KiriminAja's own reason, as a request error
        with self.assertRaisesRegex(KiriminAjaRequestError, "at least 3"):
            self._client().districts_by_name("Ng")
        with self.assertRaisesRegex(KiriminAjaRequestError, "weight"):
            self._client().shipping_price({"origin": 2001, "destination": 2302})
        self.server.broken = (502, b"<html>Bad gateway</html>")
        with self.assertRaises(KiriminAjaServerError) as caught:
            self._client().districts_by_name("Gambir")
        self.assertTrue(caught.exception.transient)
        self.server.broken = (200, b"not json")
        with self.assertRaises(KiriminAjaBadResponse):
            self._client().districts_by_name("Gambir")
        self.server.broken = (200, {"status": True, "text": "ok"})
        with self.assertRaises(KiriminAjaBadResponse):
            self._client().districts_by_name("Gambir")

    def test_standin_refuses_what_kiriminaja_refuses(self):
        """The documented rules of shipping_price, each broken once."""
        good = {"origin": 2001, "destination": 2302, "weight": 1000}
        client = self._client()
        self.assertTrue(client.shipping_price(good))
        for broken, reason in (
            ({**good, "weight": 1.5}, "weight"),  # int grams, not kilos
            ({**good, "weight": "1000"}, "weight"),
            ({**good, "origin": "2001"}, "origin"),  # district ids are integers
            ({**good, "destination": 40111}, "destination"),  # a postal code
            ({**good, "insurance": 1}, "item value"),  # insured: its value
            ({**good, "courier": "jne"}, "array"),
        ):
            with self.assertRaisesRegex(KiriminAjaRequestError, reason):
                client.shipping_price(broken)

    def test_timeout(self):
        self.server.delay = 0.6
        with self.assertRaises(KiriminAjaTimeout):
            self._client(timeout=(0.5, 0.2)).districts_by_name("Gambir")

    def test_key_never_logged(self):
        logged = []
        client = self._client(log_hook=lambda text, func: logged.append(text))
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger(__name__).debug("start")
            client.districts_by_name("Gambir")
            with self.assertRaises(KiriminAjaAuthError):
                self._client("other-secret-key").districts_by_name("Gambir")
        self.assertEqual(len(logged), 2)  # the request and the answer bodies
        self.assertIn("Gambir", logged[0])
        everything = "\n".join(logged + logs.output)
        self.assertNotIn(API_KEY, everything)
        self.assertNotIn("other-secret-key", everything)

    def test_environment_urls(self):
        carrier = self.carrier.copy({"kiriminaja_base_url": False})
        self.assertFalse(carrier.kiriminaja_api_key)  # never copied
        self.assertEqual(carrier._kiriminaja_base_url(), SANDBOX_URL)
        carrier.prod_environment = True
        self.assertEqual(carrier._kiriminaja_base_url(), LIVE_URL)
        self.assertTrue(SHIPPING_PRICE.startswith("/api/mitra/"))

    def test_key_is_for_administrators(self):
        user = self.env["res.users"].create(
            {
                "name": "Stock Manager",
                "login": "ka-stock-manager",
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_manager").id])],
            }
        )
        carrier = self.carrier.with_user(user)
        self.assertEqual(carrier.kiriminaja_courier, "jne")
        with self.assertRaises(AccessError):  # a field of base.group_system
            carrier.read(["kiriminaja_api_key"])
        # the method still prices for anyone: the client reads the key as superuser
        self.assertEqual(carrier._kiriminaja_client()._api_key, API_KEY)
