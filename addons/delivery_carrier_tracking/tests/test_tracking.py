from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TrackingCommon


def _event(hours, state, description="", **extra):
    return {
        "event_time": datetime(2025, 1, 10, 8, 0) + timedelta(hours=hours),
        "shipment_state": state,
        "status_code": state.upper(),
        "description": description or state,
        "location": "Jakarta",
        **extra,
    }


@tagged("post_install", "-at_install")
class TestTracking(TrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dropoff = cls._create_carrier("Drop-off Courier")  # no sequence

    def test_events_idempotent_and_newest_sets_state(self):
        picking = self._validate(self._create_picking())
        first = picking._tracking_apply_events(
            [_event(0, "picked_up"), _event(2, "in_transit", event_key="k2")]
        )
        self.assertEqual(len(first), 2)
        self.assertEqual(picking.shipment_state, "in_transit")
        again = picking._tracking_apply_events(
            [_event(0, "picked_up"), _event(2, "in_transit", "other", event_key="k2")]
        )
        self.assertFalse(again)
        self.assertEqual(len(picking.tracking_event_ids), 2)
        # an older event arriving late is recorded but does not move the state back
        picking._tracking_apply_events([_event(-1, "label_created")])
        self.assertEqual(len(picking.tracking_event_ids), 3)
        self.assertEqual(picking.shipment_state, "in_transit")
        with self.assertRaises(ValidationError):
            picking._tracking_apply_events([_event(3, "teleported")])

    def test_coming_back_is_one_rule(self):
        """A parcel on its way back: a returned shipment, or the carrier's
        return status while the state says exception; never a plain one."""
        picking = self._validate(self._create_picking())
        events = picking._tracking_apply_events(
            [
                _event(0, "in_transit"),
                _event(1, "exception", status_code="Return_In_Transit"),
                _event(2, "exception", status_code="ON_HOLD"),
                _event(3, "returned", status_code="RTS"),
            ]
        )
        self.assertEqual(
            {event.status_code: event._tracking_is_coming_back() for event in events},
            {
                "IN_TRANSIT": False,
                "Return_In_Transit": True,
                "ON_HOLD": False,
                "RTS": True,
            },
        )

    def test_delivered_mail_follows_setting(self):
        picking = self._validate(self._create_picking())
        template = self.env.ref(
            "delivery_carrier_tracking.mail_template_shipment_delivered"
        )
        self.env.company.tracking_delivered_mail = False
        picking._tracking_apply_events([_event(1, "delivered", event_key="d1")])
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertFalse(
            picking.message_ids.filtered(lambda m: "was delivered" in (m.subject or ""))
        )

        other = self._validate(self._create_picking())
        self.env.company.tracking_delivered_mail = True
        other._tracking_apply_events(
            [_event(1, "delivered", "<script>alert(1)</script>")]
        )
        mail = other.message_ids.filtered(
            lambda m: "was delivered" in (m.subject or "")
        )
        self.assertEqual(len(mail), 1, template.name)
        self.assertIn(self.customer, mail.partner_ids)

    def test_number_entered_later_updates_link_and_mails(self):
        self.env.company.tracking_number_mail = True
        picking = self._validate(self._create_picking(carrier=self.dropoff))
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(picking.shipment_state, "label_created")
        pages = self._pdf_pages(picking.tracking_label_ids)
        self.assertEqual(len(pages), 1)
        self.assertIn("Bandung", pages[0])
        sent_before = len(picking.message_ids.filtered("partner_ids"))

        status = picking.action_set_tracking_number("  JNE/123 456  ")
        self.assertEqual(picking.carrier_tracking_ref, "JNE/123 456")
        self.assertEqual(
            status["tracking_links"],
            [["JNE/123 456", "https://track.example.com/t?n=JNE%2F123%20456"]],
        )
        self.assertEqual(status["shipment_state"], "label_created")
        self.assertEqual(status["events"], [])
        self.assertNotIn(None, status.values())
        customer_mails = picking.message_ids.filtered("partner_ids")
        self.assertEqual(len(customer_mails), sent_before + 1)
        self.assertIn("JNE/123 456", customer_mails[0].body)

        wizard = self.env["stock.picking.tracking.number"].create(
            {"picking_id": picking.id, "tracking_number": "JNE999"}
        )
        wizard.action_confirm()
        self.assertEqual(
            picking.carrier_tracking_url, "https://track.example.com/t?n=JNE999"
        )

    def test_hostile_numbers_and_links_refused(self):
        picking = self._validate(self._create_picking(carrier=self.dropoff))
        for bad in (
            "javascript:alert(1)",
            '<img src=x onerror="alert(1)">',
            "AB'C",
            'AB"C',
            "X" * 10240,
            "   ",
        ):
            with self.assertRaises(ValidationError, msg=bad):
                picking.action_set_tracking_number(bad)
            with self.assertRaises(ValidationError, msg=bad):
                picking.write({"carrier_tracking_ref": bad})
        with self.assertRaisesRegex(
            ValidationError, r"too long \(10240 characters, at most 64\)"
        ):
            picking.action_set_tracking_number("X" * 10240)
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertFalse(
            picking.message_ids.filtered(lambda m: "Tracking number set" in m.body)
        )
        for bad_url in (
            "javascript:alert('<shipmenttrackingnumber>')",
            "data:text/html,<shipmenttrackingnumber>",
            "//evil.example.com/<shipmenttrackingnumber>",
        ):
            with self.assertRaises(ValidationError, msg=bad_url):
                self.dropoff.tracking_url = bad_url

    def test_poll_batches_back_off_failures(self):
        carrier = self._create_carrier(
            "Polled Courier", sequence=self.sequence, delivery_type="base_on_rule"
        )
        ok, failing = (
            self._create_picking(carrier=carrier),
            self._create_picking(carrier=carrier),
        )
        self._validate(ok)
        self._validate(failing)
        (ok | failing).tracking_next_poll_at = fields.Datetime.now() - timedelta(
            minutes=1
        )
        calls = []

        def tracking_update(_carrier, pickings):
            calls.append(pickings.ids)
            ok._tracking_apply_events([_event(1, "in_transit", event_key="p1")])
            return {failing.id: "carrier timeout"}

        carrier_class = type(self.env["delivery.carrier"])
        with patch.object(
            carrier_class, "base_on_rule_tracking_update", tracking_update, create=True
        ):
            self.env["stock.picking"]._cron_tracking_update()
            self.assertEqual(sorted(calls[0]), sorted((ok | failing).ids))
            self.assertEqual(ok.shipment_state, "in_transit")
            self.assertEqual(ok.tracking_poll_failures, 0)
            self.assertEqual(failing.tracking_poll_failures, 1)
            first_delay = failing.tracking_next_poll_at - fields.Datetime.now()
            # nothing due: no call
            self.env["stock.picking"]._cron_tracking_update()
            self.assertEqual(len(calls), 1)
            failing.tracking_next_poll_at = fields.Datetime.now() - timedelta(minutes=1)
            self.env["stock.picking"]._cron_tracking_update()
            self.assertEqual(calls[1], failing.ids)
            self.assertEqual(failing.tracking_poll_failures, 2)
            second_delay = failing.tracking_next_poll_at - fields.Datetime.now()
            self.assertGreater(second_delay, first_delay)
            # delivered shipments are no longer polled
            ok._tracking_apply_events([_event(5, "delivered")])
            ok.tracking_next_poll_at = failing.tracking_next_poll_at = False
            self.env["stock.picking"]._cron_tracking_update()
            self.assertEqual(calls[2], failing.ids)
