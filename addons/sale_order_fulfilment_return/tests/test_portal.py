"""The request form as the customer in My Account, the guest on the signed
/track link and the public visitor without it, over real HTTP."""

import re

from odoo.tests import HttpCase, tagged

from .common import ReturnCase

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestReturnPortal(ReturnCase, HttpCase):
    def form(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return page, CSRF_RE.search(page.text).group(1)

    def post(self, url, csrf, order, qty, reason, **extra):
        line = self.goods_line(order)
        data = {
            "csrf_token": csrf,
            f"qty_{line.id}": str(qty),
            f"reason_{line.id}": str(reason.id) if reason else "",
            **extra,
        }
        return self.url_open(
            url, data=data, files={"photo": ("retak.png", b"\x89PNG fake", "image/png")}
        )

    def test_customer_requests_from_my_account(self):
        order = self.delivered_order(qty=2.0)
        self.authenticate("budi_portal", "budi_portal")
        page = self.url_open(order.get_portal_url())
        self.assertIn("o_sale_return_request", page.text)
        url = f"/my/orders/{order.id}/return"
        page, csrf = self.form(url)
        self.assertIn(self.product.display_name, page.text)
        # the reasons in the visitor's language (English here)
        self.assertIn("Damaged item", page.text)
        # too many: the form again with the reason, nothing created
        page = self.post(url, csrf, order, 3, self.damaged)
        self.assertIn("At most 2.0", page.text)
        self.assertFalse(order.return_ids)
        page = self.post(url, csrf, order, 1, self.damaged, note="Pecah")
        self.assertIn(f"/my/orders/{order.id}", page.url)
        ret = order.return_ids
        self.assertEqual((ret.state, ret.line_ids.quantity), ("requested", 1.0))
        self.assertEqual(ret.photo_id.raw, b"\x89PNG fake")
        self.assertEqual(ret.note, "Pecah")
        page = self.url_open(order.get_portal_url())
        self.assertIn(ret.name, page.text)

    def test_other_customer_and_public_get_nothing(self):
        order = self.delivered_order(qty=1.0)
        url = f"/my/orders/{order.id}/return"
        self.authenticate("siti_portal", "siti_portal")
        page = self.url_open(url)
        self.assertNotIn("o_return_request_form", page.text)
        self.authenticate(None, None)
        page = self.url_open(url)
        self.assertNotIn("o_return_request_form", page.text)
        self.assertFalse(order.return_ids)

    def test_guest_requests_from_signed_track_link(self):
        order = self.delivered_order(qty=1.0)
        token = order._tracking_token()
        page = self.url_open(f"/track/{token}")
        self.assertIn(f"/track/{token}/return", page.text)
        page, csrf = self.form(f"/track/{token}/return")
        page = self.post(f"/track/{token}/return", csrf, order, 1, self.changed_mind)
        self.assertTrue(page.url.endswith(f"/track/{token}"))
        self.assertEqual(order.return_ids.state, "requested")
        self.assertIn(order.return_ids.name, page.text)
        # a forged link opens nothing
        forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
        page = self.url_open(f"/track/{forged}/return")
        self.assertNotIn("o_return_request_form", page.text)
