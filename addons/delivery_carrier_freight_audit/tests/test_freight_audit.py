import json

from odoo.tests import tagged

from .common import SECRET, FreightCommon


@tagged("post_install", "-at_install")
class TestFreightAudit(FreightCommon):
    def test_booking_records_quoted_and_booked(self):
        order = self._order(quote=12.0)
        self.assertEqual(order.freight_quote_amount, 12.0)
        picking = self._ship(order)
        [booked] = picking.freight_cost_ids
        self.assertEqual(booked.kind, "booked")
        self.assertEqual(
            (booked.previous_amount, booked.amount, booked.difference),
            (12.0, 10.0, -2.0),
            "a booking is held to the quote",
        )
        self.assertEqual(booked.shipping_fee, 10.0)
        self.assertEqual(
            (picking.freight_quoted, picking.freight_booked, picking.freight_final),
            (12.0, 10.0, 10.0),
        )
        self.assertEqual(picking.freight_difference, -2.0)
        self.assertEqual(
            (picking.shipment_courier, picking.shipment_service),
            ("Test Courier", False),
        )
        self.assertTrue(picking.freight_booked_at)
        self.assertFalse(self._activities(picking))

    def test_report_shows_the_booked_courier_service(self):
        """The report's courier service is the delivery's one booked
        courier service (delivery_carrier_tracking's), as the scorecard's."""
        picking = self._ship(self._order(quote=12.0))
        Report = self.env["stock.picking.freight.report"]
        self.env.flush_all()
        [row] = Report.search([("picking_id", "=", picking.id)])
        self.assertEqual(row.service, "Test Courier")
        picking.write({"shipment_courier": "JNE", "shipment_service": "REG"})
        # no flush: reading the view flushes what it depends on (_depends)
        Report.invalidate_model()
        [row] = Report.search([("picking_id", "=", picking.id)])
        self.assertEqual(row.service, "JNE REG")

    def test_price_report_recorded_once_with_its_reasons(self):
        picking = self._ship(self._order(quote=10.0))
        details = {"shipping_fee": 20.0, "cod_fee": 4.0, "proof_of_delivery_fee": 1.0}
        response = self._report(picking, 25.0, details)
        self.assertEqual(response.status_code, 200, response.text)
        report = picking.freight_cost_ids[-1]
        self.assertEqual(report.kind, "report")
        self.assertEqual((report.previous_amount, report.amount), (10.0, 25.0))
        self.assertEqual(report.difference, 15.0)
        self.assertEqual(
            (report.shipping_fee, report.cod_fee, report.proof_of_delivery_fee),
            (20.0, 4.0, 1.0),
        )
        self.assertEqual(report.reason, "weight")
        self.assertEqual(report.reasons, "Weight / size, COD fee, Proof of delivery")
        self.assertEqual(json.loads(report.raw_values), {"price": 25.0, **details})
        self.assertEqual(picking.freight_final, 25.0)
        self.assertEqual(picking.freight_booked, 10.0, "the booked price stays")
        self.assertEqual(picking.freight_reason, "weight")
        self.assertEqual(picking.carrier_price, 25.0, "core's shipping cost follows")
        [activity] = self._activities(picking)
        self.assertIn("25.00", activity.summary)

        # resent by the carrier: nothing new, still one activity
        self.assertEqual(self._report(picking, 25.0, details).status_code, 200)
        self.assertEqual(len(picking.freight_cost_ids), 2)
        # a further correction is recorded, the same activity says so
        self._report(picking, 30.0, dict(details, shipping_fee=25.0))
        self.assertEqual(len(picking.freight_cost_ids), 3)
        self.assertEqual(picking.freight_cost_ids[-1].previous_amount, 25.0)
        [activity] = self._activities(picking)
        self.assertIn("30.00", activity.summary)
        # once a person marked it done, the next change opens one again
        activity.action_feedback(feedback="Claimed with the carrier")
        self._report(picking, 31.0, dict(details, shipping_fee=26.0))
        self.assertEqual(len(self._activities(picking)), 1)

    def test_changes_under_the_threshold_are_only_recorded(self):
        self.env.company.freight_threshold_amount = 5.0
        picking = self._ship(self._order(quote=10.0))
        # +40 % but only 4.00: both limits must be exceeded
        self._report(picking, 14.0)
        self.assertEqual(picking.freight_final, 14.0)
        self.assertEqual(picking.freight_cost_ids[-1].reason, "weight")
        self.assertFalse(self._activities(picking))
        self._report(picking, 16.0)
        self.assertEqual(len(self._activities(picking)), 1)

    def test_bad_details_are_refused_whole(self):
        picking = self._ship(self._order(quote=10.0))
        for details in ("cheap", {"cod_fee": "5"}, {"weight": True}):
            response = self._report(picking, 25.0, details)
            [error] = response.outcome["errors"]
            self.assertIn("price details", error, details)
        self.assertEqual(len(picking.freight_cost_ids), 1)
        self.assertEqual(picking.carrier_price, 10.0, "nothing half-written")

    def test_backorder_ships_on_the_first_quote(self):
        order = self._order(quote=12.0, qty=2.0)
        first = self._ship(order, qty=1.0)
        second = self._ship(order)
        self.assertNotEqual(first, second)
        self.assertEqual((first.freight_quoted, second.freight_quoted), (12.0, 0.0))
        self.assertEqual(second.freight_booked, 10.0)
        self.assertEqual(second.freight_difference, 10.0)

    def test_cancelled_shipment_costs_nothing(self):
        picking = self._ship(self._order(quote=10.0))
        picking.cancel_shipment()
        cancelled = picking.freight_cost_ids[-1]
        self.assertEqual((cancelled.kind, cancelled.amount), ("cancelled", 0.0))
        self.assertEqual(picking.freight_final, 0.0)
        picking.cancel_shipment()  # already cancelled: no second record
        self.assertEqual(len(picking.freight_cost_ids), 2)

    def test_delivery_without_order_or_booking(self):
        """A delivery made without order has no quote; the first price a
        carrier reports for a shipment Odoo did not book (a waybill typed in
        at the counter) is what later reports are held to."""
        picking = self._validate(self._create_picking())
        self.assertEqual(picking.freight_quoted, 0.0)
        self.assertEqual(picking.freight_booked, 10.0)
        counter = self._create_carrier(
            "Counter", integration_level="rate", tracking_webhook_secret=SECRET
        )
        unbooked = self._validate(self._create_picking(carrier=counter))
        self.assertFalse(unbooked.freight_booked_at, "core booked nothing")
        unbooked.action_set_tracking_number("CTR-1")
        response = self._post_webhook(
            counter, {"tracking_number": "CTR-1", "price": 11.0}, SECRET
        )
        self.assertEqual(response.status_code, 200, response.text)
        unbooked.invalidate_recordset()
        self.assertEqual(
            (unbooked.freight_booked, unbooked.freight_final), (11.0, 11.0)
        )
        self.assertFalse(unbooked.freight_cost_ids.reason)
        self.assertFalse(self._activities(unbooked))
