import re

from odoo.tests import tagged

from .common import WebsiteTrackingCommon, tracking_event

SECRET = "milestone-webhook-secret"
# What each milestone mail's subject says, in English and in Indonesian.
SUBJECTS = {
    "shipped": ("has shipped", "telah dikirim"),
    "out_for_delivery": ("is out for delivery", "sedang diantar"),
    "problem": ("a problem with the delivery", "kendala pengiriman"),
    "delivered": ("was delivered", "telah diterima"),
}


@tagged("post_install", "-at_install")
class TestMilestoneMails(WebsiteTrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET
        cls.env.company.tracking_delivered_mail = True
        cls.dropoff = cls._create_carrier(
            "Drop-off Courier", tracking_webhook_secret=SECRET
        )

    def _customer_mails(self, picking):
        picking.invalidate_recordset(["message_ids"])
        return picking.message_ids.filtered(
            lambda m: m.partner_ids and m.subject
        ).sorted("id")

    def _mails_by_milestone(self, picking):
        """{milestone: [subjects]} of the customer mails of the delivery."""
        found = {key: [] for key in SUBJECTS}
        for mail in self._customer_mails(picking):
            for key, markers in SUBJECTS.items():
                if any(marker in (mail.subject or "") for marker in markers):
                    found[key].append(mail.subject)
        return found

    def _webhook(self, carrier, number, event_id, status, time, **extra):
        response = self._post_webhook(
            carrier,
            {
                "tracking_number": number,
                "events": [
                    {
                        "id": event_id,
                        "time": time,
                        "status": status,
                        "description": f"Courier says {status}",
                        "location": "Surabaya Hub",
                        **extra,
                    }
                ],
            },
            SECRET,
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.env.invalidate_all()
        return response.json()

    def _poll(self, picking, events):
        """Events as a carrier poll brings them, then the commit point."""
        picking._tracking_apply_events(events)
        self._commit_point()

    def test_each_milestone_once_whatever_the_order(self):
        order, picking = self._web_order()
        number = picking.carrier_tracking_ref
        self.assertTrue(number)
        self.assertEqual(
            {k: len(v) for k, v in self._mails_by_milestone(picking).items()},
            {"shipped": 1, "out_for_delivery": 0, "problem": 0, "delivered": 0},
        )
        shipped = self._customer_mails(picking)
        self.assertIn(self.customer, shipped.partner_ids)
        self.assertIn(number, shipped.body)
        self.assertIn("/track/", shipped.body)
        self.assertNotIn("/id/track/", shipped.body)  # an English customer

        # out for delivery by webhook, resent twice
        for _i in range(2):
            self._webhook(
                self.carrier,
                number,
                "e-ofd",
                "out_for_delivery",
                "2025-01-10T15:00:00+07:00",
            )
        # a poll then brings an older "in transit" late: recorded, no mail
        self._poll(picking, [tracking_event(-5, "in_transit", event_key="p-it")])
        self.assertEqual(picking.shipment_state, "out_for_delivery")
        # a problem, then another problem event, then the parcel moves again
        self._webhook(
            self.carrier,
            number,
            "e-hold",
            "exception",
            "2025-01-10T16:00:00+07:00",
            status_code="on_hold",
        )
        self._poll(picking, [tracking_event(2, "exception", event_key="p-cnf")])
        self._poll(picking, [tracking_event(3, "out_for_delivery", event_key="p-ofd2")])
        self.assertEqual(picking.shipment_state, "out_for_delivery")
        # delivered by poll, then the same by webhook and a resent poll
        self._poll(picking, [tracking_event(5, "delivered", event_key="p-dlv")])
        self._webhook(
            self.carrier, number, "e-dlv", "delivered", "2025-01-10T20:00:00+07:00"
        )
        self._poll(picking, [tracking_event(5, "delivered", event_key="p-dlv")])
        self.assertEqual(picking.shipment_state, "delivered")

        mails = self._mails_by_milestone(picking)
        self.assertEqual(
            {k: len(v) for k, v in mails.items()},
            {"shipped": 1, "out_for_delivery": 1, "problem": 1, "delivered": 1},
            mails,
        )
        # the company's own "delivered" mail (delivery_carrier_tracking) is
        # replaced for this website's orders, not sent as well
        self.assertFalse(
            self._customer_mails(picking).filtered(
                lambda m: "your parcel" in (m.subject or "")
            )
        )
        milestones = self.env["stock.picking.parcel.milestone"].search(
            [("picking_id", "=", picking.id)]
        )
        self.assertEqual(
            sorted(milestones.mapped("milestone")),
            ["delivered", "out_for_delivery", "problem", "shipped"],
        )
        self.assertEqual(milestones.parcel_id, picking.parcel_ids)
        self.assertIn(order.name, mails["delivered"][0])

    def test_late_events_after_delivered_send_nothing(self):
        """A poll that first sees the parcel delivered: no "out for delivery"
        mail afterwards, whatever older events arrive later."""
        _order, picking = self._web_order()
        number = picking.carrier_tracking_ref
        self._poll(
            picking,
            [
                tracking_event(9, "delivered", event_key="d"),
                tracking_event(5, "out_for_delivery", event_key="o"),
            ],
        )
        self._webhook(
            self.carrier,
            number,
            "late-ofd",
            "out_for_delivery",
            "2025-01-10T12:00:00+07:00",
        )
        self._webhook(
            self.carrier, number, "late-hold", "exception", "2025-01-10T13:00:00+07:00"
        )
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(
            {k: len(v) for k, v in self._mails_by_milestone(picking).items()},
            {"shipped": 1, "out_for_delivery": 0, "problem": 0, "delivered": 1},
        )

    def test_once_per_parcel_of_a_delivery(self):
        """Two parcels: one "shipped" mail for both once their numbers are
        given, a "delivered" mail for each as each arrives."""
        _order, picking = self._web_order(carrier=self.dropoff)
        self.assertFalse(self._mails_by_milestone(picking)["shipped"])
        picking.action_set_tracking_number("DRP001,DRP002")
        self._commit_point()
        self.assertEqual(len(picking.parcel_ids), 2)
        picking.action_set_tracking_number("DRP001,DRP002")  # again: nothing
        self._commit_point()
        self._webhook(
            self.dropoff, "DRP001", "a-dlv", "delivered", "2025-01-10T15:00:00+07:00"
        )
        self.assertEqual(picking.shipment_state, "label_created")
        self._webhook(
            self.dropoff, "DRP001", "a-dlv2", "delivered", "2025-01-10T16:00:00+07:00"
        )
        self._webhook(
            self.dropoff, "DRP002", "b-dlv", "delivered", "2025-01-10T17:00:00+07:00"
        )
        self.assertEqual(picking.shipment_state, "delivered")
        mails = self._mails_by_milestone(picking)
        self.assertEqual(len(mails["shipped"]), 1, mails)
        self.assertEqual(len(mails["delivered"]), 2, mails)
        delivered = self._customer_mails(picking).filtered(
            lambda m: "delivered" in (m.subject or "")
        )
        # each lists the parcels with their states at the time
        self.assertIn("DRP001", delivered[0].body)
        milestones = self.env["stock.picking.parcel.milestone"].search(
            [("picking_id", "=", picking.id)]
        )
        self.assertEqual(len(milestones), 4)
        for parcel in picking.parcel_ids:
            self.assertEqual(
                sorted(
                    milestones.filtered(lambda m, p=parcel: m.parcel_id == p).mapped(
                        "milestone"
                    )
                ),
                ["delivered", "shipped"],
            )

    def test_customer_language(self):
        """A customer whose language is Indonesian gets the Indonesian mails,
        with the Indonesian tracking page link."""
        order, picking = self._web_order(partner=self.customer_id)
        self._webhook(
            self.carrier,
            picking.carrier_tracking_ref,
            "i-ofd",
            "out_for_delivery",
            "2025-01-10T15:00:00+07:00",
        )
        self._webhook(
            self.carrier,
            picking.carrier_tracking_ref,
            "i-nf",
            "exception",
            "2025-01-10T16:00:00+07:00",
            status_code="courier_not_found",
        )
        self._webhook(
            self.carrier,
            picking.carrier_tracking_ref,
            "i-dlv",
            "delivered",
            "2025-01-10T17:00:00+07:00",
        )
        mails = self._customer_mails(picking)
        self.assertEqual(len(mails), 4, mails.mapped("subject"))
        shipped, ofd, problem, delivered = mails
        self.assertIn("telah dikirim", shipped.subject)
        self.assertIn("Halo Siti Rahayu", shipped.body)
        self.assertIn("Lacak pesanan Anda", shipped.body)
        self.assertIn("sedang diantar", ofd.subject)
        self.assertIn("kendala pengiriman", problem.subject)
        self.assertIn("telah diterima", delivered.subject)
        link = re.search(r'href="([^"]*/track/[^"]+)"', shipped.body).group(1)
        self.assertIn("/id/track/", link)
        # the link opens the order's page, in Indonesian
        token = link.rsplit("/", 1)[1]
        response = self.url_open(f"/id/track/{token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(order.name, response.text)
        self.assertIn("Lacak Pesanan Anda", response.text)

    def test_website_without_mails_keeps_the_company_mail(self):
        self.website.write(
            {
                "tracking_mail_shipped": False,
                "tracking_mail_out_for_delivery": False,
                "tracking_mail_problem": False,
                "tracking_mail_delivered": False,
            }
        )
        _order, picking = self._web_order()
        self._poll(picking, [tracking_event(5, "delivered")])
        mails = self._customer_mails(picking)
        self.assertEqual(len(mails.filtered(lambda m: "your parcel" in m.subject)), 1)
        self.assertFalse(
            self.env["stock.picking.parcel.milestone"].search(
                [("picking_id", "=", picking.id)]
            )
        )
