from odoo.tests import tagged

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

    def test_unsafe_link_is_inert(self):
        self.server.link_format = "javascript:alert(1)"
        picking = self._ship()
        self.assertEqual(picking.biteship_tracking_link, "javascript:alert(1)")
        status = picking.get_shipment_status()
        self.assertTrue(status["tracking_number"])
        self.assertEqual(status["tracking_links"], [])
