from odoo.tests import new_test_user, tagged

from .common import BiteshipCommon


@tagged("post_install", "-at_install")
class TestBiteshipTrackingLink(BiteshipCommon):
    """The generic module reads links through core's carrier_tracking_url,
    i.e. carrier.get_tracking_link -> biteship_get_tracking_link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship.tracking_url = False

    def test_link_from_biteship_without_tracking_url(self):
        picking = self._ship()
        order = self.server.orders[picking.carrier_shipment_id]
        link = order["courier"]["link"]
        self.assertTrue(link.startswith("https://track.biteship.com/"))
        self.assertEqual(
            picking.get_shipment_status()["tracking_links"],
            [[picking.carrier_tracking_ref, link]],
        )

    def test_tracking_url_set_by_the_shop_wins(self):
        self.biteship.tracking_url = (
            "https://www.jne.co.id/tracking-package?awb=<shipmenttrackingnumber>"
        )
        picking = self._ship()
        number = picking.carrier_tracking_ref
        self.assertEqual(
            picking.get_shipment_status()["tracking_links"],
            [[number, f"https://www.jne.co.id/tracking-package?awb={number}"]],
        )

    def test_unsafe_link_is_never_kept(self):
        self.server.link_format = "javascript:alert(1)"
        picking = self._ship()
        self.assertFalse(picking.biteship_tracking_link)
        status = picking.get_shipment_status()
        number = status["tracking_number"]
        self.assertTrue(number)
        # the courier's own page instead (delivery_carrier_tracking_id_couriers)
        self.assertEqual(
            status["tracking_links"],
            [[number, f"https://www.jne.co.id/tracking-package?awb={number}"]],
        )

    def test_no_link_from_biteship(self):
        """Biteship's answers may carry no link: the booked courier's own
        page (courier data), else Biteship's public page of the order."""
        self.server.link_format = None
        picking = self._ship()
        number = picking.carrier_tracking_ref
        self.assertFalse(picking.biteship_tracking_link)

        def links():
            picking.invalidate_recordset(["carrier_tracking_url"])
            return picking.get_shipment_status()["tracking_links"]

        self.assertEqual(
            links(), [[number, f"https://www.jne.co.id/tracking-package?awb={number}"]]
        )
        # the courier's page as the shop keeps it
        jne = self.env.ref("delivery_carrier_tracking_id_couriers.carrier_jne")
        jne.tracking_url = "https://jne.example/cek/<shipmenttrackingnumber>"
        self.assertEqual(links(), [[number, f"https://jne.example/cek/{number}"]])
        # a courier the data does not know, or whose page is gone: Biteship's
        # page of the order, by tracking id, else by waybill
        picking.biteship_courier_company = "wahana"
        tracking_id = picking.biteship_tracking_id
        self.assertEqual(
            links(), [[number, f"https://track.biteship.com/{tracking_id}"]]
        )
        picking.biteship_courier_company = "jne"
        jne.tracking_url = False
        picking.biteship_tracking_id = False
        self.assertEqual(
            links(), [[number, f"https://track.biteship.com?waybill_id={number}"]]
        )

    def test_customer_sees_the_courier_page(self):
        """On the customer's order page (portal user, and a visitor with the
        order's link): a link even when Biteship gave none."""
        self.server.link_format = None
        new_test_user(
            self.env,
            "budi_link",
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        order = self._sale_order()
        order.carrier_id = self.biteship
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 3, "picked": True})
        self._validate(picking)
        page = (
            f"https://www.jne.co.id/tracking-package?awb={picking.carrier_tracking_ref}"
        )
        self.authenticate("budi_link", "budi_link")
        self.assertIn(page, self.url_open(f"/my/orders/{order.id}").text)
        self.authenticate(None, None)
        token = order._portal_ensure_token()
        self.assertIn(
            page, self.url_open(f"/my/orders/{order.id}?access_token={token}").text
        )
