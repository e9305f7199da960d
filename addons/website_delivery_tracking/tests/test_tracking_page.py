import re
import time

from odoo.tests import new_test_user, tagged

from .common import WebsiteTrackingCommon, tracking_event

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
# a CSRF token anywhere in a page (form and the page's session info)
ANY_CSRF_RE = re.compile(r"[0-9a-f]{40}o[0-9]+")


@tagged("post_install", "-at_install")
class TestTrackingPage(WebsiteTrackingCommon):
    """The public page as a guest (no session user) over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"name": "Budi Santoso Wijaya", "mobile": "0857 9999 4321"})
        cls.env["ir.config_parameter"].sudo().set_param(
            "website_delivery_tracking.max_per_order", 5
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "website_delivery_tracking.max_per_address", 12
        )

    def setUp(self):
        super().setUp()
        self.order, self.picking = self._web_order()
        self.order.name = "WDT-TOUR-1"
        self.picking._tracking_apply_events(
            [
                tracking_event(1, "picked_up", event_key="a"),
                tracking_event(3, "in_transit", event_key="b"),
            ]
        )

    def _guess(self, order, secret):
        page = self.url_open("/track")
        self.assertEqual(page.status_code, 200)
        csrf = CSRF_RE.search(page.text).group(1)
        return self.url_open(
            "/track",
            data={"csrf_token": csrf, "order": order, "secret": secret},
            allow_redirects=True,
        )

    def _assert_order_page(self, response, order=None):
        order = order or self.order
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(order.name, html)
        self.assertIn("Bandung", html)  # the city
        for number in order.picking_ids.mapped("carrier_tracking_ref"):
            self.assertIn(number, html)
        self.assertIn("https://track.example.com/t?n=", html)  # courier's link
        self.assertIn("Courier says in_transit", html)  # events
        self.assertIn("o_fulfilment_step", html)  # the order's timeline
        # nothing personal beyond the city, no documents
        for private in (
            "Jl. Merdeka",
            "40111",
            "budi@example.com",
            "Budi Santoso",
            "0000 1111",
            "9999 4321",
            "/my/picking/label/",
            "/my/invoices/",
            "access_token",
        ):
            self.assertNotIn(private, html)

    def test_right_guesses_open_the_signed_page(self):
        for secret in ("BUDI@example.com ", "1111", "4321"):
            response = self._guess(" wdt-tour-1 ", secret)
            self.assertRegex(response.url, r"/track/\d+-\d+-[0-9a-f]{64}$")
            self._assert_order_page(response)

    def test_wrong_guesses_same_answer_then_locked(self):
        other, _picking = self._web_order()
        unknown = self._guess("WDT-NOPE-9", "budi@example.com")
        wrong = self._guess("WDT-TOUR-1", "nobody@example.com")
        self.assertEqual(unknown.status_code, wrong.status_code)
        self.assertEqual(
            ANY_CSRF_RE.sub("", unknown.text).replace("WDT-NOPE-9", "X"),
            ANY_CSRF_RE.sub("", wrong.text).replace("WDT-TOUR-1", "X"),
        )
        self.assertIn("could not find an order", wrong.text)
        # a % matches no other order
        self.assertIn("could not find an order", self._guess("WDT%", "1111").text)
        for digits in ("0000", "1234", "9999", "5678"):
            self.assertIn("could not find", self._guess("WDT-TOUR-1", digits).text)
        # 5 failures on this reference: even the right secret is refused now
        locked = self._guess("WDT-TOUR-1", "budi@example.com")
        self.assertEqual(locked.status_code, 429)
        self.assertIn("Too many attempts", locked.text)
        self.assertNotIn("/track/", locked.url)
        # an unknown reference locks the same way (no enumeration)
        for _i in range(4):
            self.assertIn("could not find", self._guess("WDT-NOPE-9", "x@y.com").text)
        self.assertEqual(self._guess("WDT-NOPE-9", "x@y.com").status_code, 429)
        # 12 failures from this address: another order is refused too
        self.assertIn("could not find", self._guess(other.name, "0000").text)
        self.assertEqual(self._guess(other.name, "1111").status_code, 429)
        attempts = self.env["website.tracking.attempt"].search([])
        self.assertEqual(len(attempts), 12)
        self.assertEqual(set(attempts.mapped("address")), {"127.0.0.1"})
        # the window passed: guesses count again
        attempts.write({"attempt_time": "2020-01-01 00:00:00"})
        self._assert_order_page(self._guess("WDT-TOUR-1", "1111"))

    def test_signed_link_expiry_and_revocation(self):
        token = self.order._tracking_token()
        self._assert_order_page(self.url_open(f"/track/{token}"))
        order_id, expires, signature = token.split("-")
        forged = f"{order_id}-{int(expires) + 86400}-{signature}"
        past = int(time.time()) - 60
        expired = f"{order_id}-{past}-{self.order._tracking_signature(past)}"
        for bad in (forged, expired, f"{order_id}-{expires}-{'0' * 64}", "x"):
            response = self.url_open(f"/track/{bad}")
            self.assertEqual(response.status_code, 404, bad)
            self.assertIn("expired or is no longer valid", response.text)
            self.assertNotIn(self.order.name, response.text)
        # a salesperson revokes the links sent: the old one stops working
        salesman = new_test_user(
            self.env, "wdt_salesman", groups="sales_team.group_sale_salesman_all_leads"
        )
        self.assertIs(
            self.order.with_user(salesman).action_revoke_tracking_links(), True
        )
        self.assertEqual(self.url_open(f"/track/{token}").status_code, 404)
        self._assert_order_page(self.url_open(f"/track/{self.order._tracking_token()}"))

    def test_indonesian_page(self):
        token = self.order._tracking_token()
        response = self.url_open(f"/id/track/{token}")
        self._assert_order_page(response)
        self.assertIn('lang="id-ID"', response.text)
        self.assertIn("Lacak Pesanan Anda", response.text)
        self.assertIn("Dalam Perjalanan", response.text)  # In Transit
        form = self.url_open("/id/track")
        self.assertIn("Nomor pesanan", form.text)

    def test_browser_guest_tour(self):
        self.start_tour("/track", "website_delivery_tracking_guest")
