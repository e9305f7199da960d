from urllib.parse import urlsplit

from odoo.tests.common import _super_send

from .biteship_server import BiteshipStandIn

API_KEY = "biteship_test.odoo-tests-secret"


class BiteshipStandInMixin:
    """Starts the Biteship stand-in for the class and lets requests reach it
    unchanged: Odoo's test harness otherwise raises every timeout below 10 s
    (and rejects (connect, read) tuples), which would hide timeout handling."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if urlsplit(r.url).hostname == "127.0.0.1":
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = BiteshipStandIn(api_key=API_KEY).start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.server.reset()
