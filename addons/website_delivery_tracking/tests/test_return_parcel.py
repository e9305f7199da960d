"""A return parcel (a receipt with a carrier, see delivery_carrier_tracking)
on the guest's signed /track page, labelled as the return, and never the
subject of the customer's delivery milestone mails."""

from odoo.tests import tagged

from .common import WebsiteTrackingCommon, tracking_event


@tagged("post_install", "-at_install")
class TestReturnParcel(WebsiteTrackingCommon):
    def setUp(self):
        super().setUp()
        self.order, self.delivery = self._web_order()
        self.returned = self._create_return(self.delivery)
        self.returned.print_return_label()
        self._commit_point()

    def test_track_page_shows_the_return_parcel(self):
        self.returned._tracking_apply_events(
            [tracking_event(1, "picked_up", "Return picked up", event_key="r1")]
        )
        self._commit_point()
        page = self.url_open(f"/track/{self.order._tracking_token()}")
        self.assertEqual(page.status_code, 200)
        html = page.text
        self.assertIn(f'data-picking-id="{self.returned.id}"', html)
        self.assertIn(f'data-picking-id="{self.delivery.id}"', html)
        self.assertEqual(html.count("o_tracking_return"), 1)
        self.assertIn("Return parcel", html)
        self.assertIn(self.returned.carrier_tracking_ref, html)
        self.assertIn("Return picked up", html)
        # nothing personal beyond the city, no label
        for private in ("Jl. Merdeka", "40111", "budi@example.com", "LabelReturn"):
            self.assertNotIn(private, html)

    def test_no_milestone_mails_for_the_return(self):
        before = self.returned.message_ids
        self.returned._tracking_apply_events(
            [
                tracking_event(1, "out_for_delivery", event_key="r1"),
                tracking_event(2, "delivered", event_key="r2"),
            ]
        )
        self._commit_point()
        self.assertEqual(self.returned.shipment_state, "delivered")
        mails = (self.returned.message_ids - before).filtered("partner_ids")
        self.assertFalse(mails, mails.mapped("subject"))
        self.assertFalse(
            self.env["stock.picking.parcel.milestone"].search(
                [("picking_id", "=", self.returned.id)]
            )
        )
