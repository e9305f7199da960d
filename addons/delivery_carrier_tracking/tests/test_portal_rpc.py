import xmlrpc.client

import lxml.html
from odoo.tests import new_test_user, tagged

from .common import TrackingCommon


@tagged("post_install", "-at_install")
class TestPortalAndRpc(TrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            "budi_portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        other = cls.env["res.partner"].create(
            {"name": "Siti Other", "email": "siti@example.com"}
        )
        cls.other_user = new_test_user(
            cls.env, "siti_portal", groups="base.group_portal", partner_id=other.id
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "carrier_id": cls.carrier.id,
                "order_line": [
                    (0, 0, {"product_id": cls.product.id, "product_uom_qty": 1})
                ],
            }
        )
        cls.order.action_confirm()

    def _ship_order(self):
        picking = self.order.picking_ids
        self.assertEqual(picking.carrier_id, self.carrier)
        picking.move_ids.write({"quantity": 1, "picked": True})
        self._validate(picking)
        picking._tracking_apply_events(
            [
                {
                    "event_time": picking.date_done,
                    "shipment_state": "in_transit",
                    "status_code": "IT",
                    "description": '<script>alert("x")</script> sorted',
                    "location": "Bandung",
                }
            ]
        )
        return picking

    def test_portal_shipments_section_and_access(self):
        picking = self._ship_order()
        label = picking.tracking_label_ids
        self.authenticate("budi_portal", "budi_portal")
        page = self.url_open(f"/my/orders/{self.order.id}")
        self.assertEqual(page.status_code, 200)
        html = page.text
        self.assertIn('id="shipments"', html)
        self.assertIn(picking.carrier_tracking_ref, html)
        self.assertIn(
            f"https://track.example.com/t?n={picking.carrier_tracking_ref}", html
        )
        self.assertIn("In Transit", html)
        self.assertIn("&lt;script&gt;alert(", html)
        self.assertNotIn('<script>alert("x")', html)
        # the shipment, never its label (the shop's document)
        self.assertNotIn("o_tracking_labels", html)
        self.assertNotIn("/my/picking/label/", html)
        self.assertNotIn(label.name, html)

        self.authenticate("siti_portal", "siti_portal")
        denied = self.url_open(f"/my/orders/{self.order.id}", allow_redirects=False)
        self.assertIn(denied.status_code, (303, 403, 404))
        self.assertNotIn(picking.carrier_tracking_ref, denied.text)
        self.assertEqual(
            self.url_open(f"/my/picking/pdf/{picking.id}").status_code, 404
        )

    def _label_urls(self, picking, token):
        """Every URL that could hand out the outbound label's bytes: the old
        portal label route, core's attachment and report routes."""
        label = picking.tracking_label_ids
        report = "delivery_carrier_tracking.report_shipping_label"
        return [
            f"/my/picking/label/{picking.id}/{label.id}",
            f"/my/picking/label/{picking.id}/{label.id}?access_token={token}",
            f"/web/content/{label.id}",
            f"/web/content/{label.id}?download=true&access_token={token}",
            f"/web/content/ir.attachment/{label.id}/raw",
            f"/report/pdf/{report}/{picking.id}",
            f"/report/html/{report}/{picking.id}",
            f"/report/pdf/{report}/{picking.id}?access_token={token}",
        ]

    def test_outbound_label_is_the_shops_document(self):
        """The customer (logged in or with the order's link) and a public
        visitor get the tracking number, status and link, never the label:
        no route serves its bytes to them. Warehouse users download it."""
        picking = self._ship_order()
        label = picking.tracking_label_ids
        self.assertTrue(label.raw.startswith(b"%PDF"))
        number = picking.carrier_tracking_ref
        token = self.order._portal_ensure_token()
        for login in ("budi_portal", None):
            self.authenticate(login, login)
            for url in self._label_urls(picking, token):
                response = self.url_open(url, allow_redirects=False)
                with self.subTest(login=login, url=url):
                    self.assertIn(response.status_code, (303, 403, 404))
                    self.assertNotIn(b"%PDF", response.content)
                    self.assertNotIn(label.raw[:200], response.content)
                    self.assertNotIn(number, response.text)
        # over XML-RPC: the customer reads the delivery, not its label's bytes
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, "budi_portal", "budi_portal", {})
        self.assertTrue(uid)
        with self.assertRaises(xmlrpc.client.Fault) as denied:
            self.xmlrpc_object.execute_kw(
                db,
                uid,
                "budi_portal",
                "ir.attachment",
                "read",
                [label.ids, ["datas"]],
            )
        self.assertIn("not allowed to access", denied.exception.faultString)

        # the warehouse user: from the delivery in the back office
        clerk = new_test_user(
            self.env, "gudang_label", groups="base.group_user,stock.group_stock_user"
        )
        self.authenticate(clerk.login, clerk.login)
        response = self.url_open(f"/web/content/{label.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, label.raw)

    def test_hostile_carrier_texts_stay_inert(self):
        """Carrier texts from a webhook are stored as plain, bounded text and
        come out escaped in the portal and in the customer mail."""
        self.carrier.tracking_webhook_secret = "s3cret-for-tests"
        self.env.company.write(
            {"tracking_delivered_mail": True, "email": "shop@example.com"}
        )
        # keep the sent mail.mail to read what went out
        self.env.ref(
            "delivery_carrier_tracking.mail_template_shipment_delivered"
        ).auto_delete = False
        picking = self.order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        self._validate(picking)
        hostile = '<script>alert(1)</script>" onmouseover="x'
        response = self._post_webhook(
            self.carrier,
            {
                "tracking_number": picking.carrier_tracking_ref,
                "events": [
                    {
                        "id": "evt-hostile",
                        "time": "2025-01-10T15:00:00+07:00",
                        "status": "delivered",
                        "status_code": "DLV\u0000\n",
                        "description": hostile,
                        "location": "Bandung\u0000\n" + "x" * 10240,
                    }
                ],
            },
            "s3cret-for-tests",
        )
        self.assertEqual(response.status_code, 200, response.text)
        event = picking.tracking_event_ids
        self.assertEqual(event.status_code, "DLV")
        self.assertEqual(event.description, hostile)  # plain text, escaped on output
        self.assertEqual(event.location, ("Bandung " + "x" * 10240)[:256])

        self.authenticate("budi_portal", "budi_portal")
        html = self.url_open(f"/my/orders/{self.order.id}").text
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertNotIn("<script>alert(1)", html)
        self.assertNotIn("x" * 249, html)
        timeline = self._assert_inert(html, hostile)
        self.assertIn("Bandung " + "x" * 248, timeline)

        message = picking.message_ids.filtered(
            lambda m: "was delivered" in (m.subject or "")
        )
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(mail), 1)
        for body in (message.body, mail.body_html):
            self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)
            self.assertNotIn("<script>alert(1)", body)
            self._assert_inert(body, hostile)

    def _assert_inert(self, html, hostile):
        """The hostile text is shown as text: no script or event handler came
        out of it. Returns the text of the page."""
        tree = lxml.html.fromstring(html)
        self.assertFalse(tree.xpath("//script[contains(., 'alert(1)')]"))
        self.assertFalse(tree.xpath("//@onmouseover"))
        text = tree.text_content()
        self.assertIn(hostile, text)
        return text

    def test_xmlrpc_set_number_and_status(self):
        dropoff = self._create_carrier("Counter Courier")
        picking = self._validate(self._create_picking(carrier=dropoff))
        admin = self.env.ref("base.user_admin")
        admin.password = "admin-rpc-pw"
        db = self.env.cr.dbname
        common = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/common")
        uid = common.authenticate(db, "admin", "admin-rpc-pw", {})
        self.assertTrue(uid)
        models = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object")
        status = models.execute_kw(
            db,
            uid,
            "admin-rpc-pw",
            "stock.picking",
            "action_set_tracking_number",
            [[picking.id], "PX-42"],
        )
        self.assertEqual(status["tracking_number"], "PX-42")
        self.assertEqual(status["shipment_state"], "label_created")
        picking._tracking_apply_events(
            [
                {
                    "event_time": picking.date_done,
                    "shipment_state": "picked_up",
                    "status_code": "PU",
                    "description": "Picked up",
                    "location": "",
                }
            ]
        )
        self.env.flush_all()  # the server reads the database, not this cache
        status = models.execute_kw(
            db,
            uid,
            "admin-rpc-pw",
            "stock.picking",
            "get_shipment_status",
            [[picking.id]],
        )
        self.assertEqual(status["shipment_state"], "picked_up")
        self.assertEqual(status["events"][0]["location"], "")
        self.assertTrue(status["events"][0]["event_time"].endswith("Z"))
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            models.execute_kw(
                db,
                uid,
                "admin-rpc-pw",
                "stock.picking",
                "action_set_tracking_number",
                [[picking.id], "javascript:alert(1)"],
            )
        self.assertIn("may only contain", fault.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault):
            models.execute_kw(
                db,
                uid,
                "admin-rpc-pw",
                "stock.picking",
                "_tracking_set_number",
                [[picking.id], "PX-43"],
            )
