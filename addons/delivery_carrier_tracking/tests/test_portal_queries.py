from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import TrackingCommon

EVENTS = 20


@tagged("post_install", "-at_install")
class TestPortalQueries(TrackingCommon):
    """The customer's order page reads the shipments of all deliveries at
    once: its SQL queries do not grow with deliveries and tracking events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # numbers entered at the counter: no label rendering needed here
        cls.dropoff = cls._create_carrier(
            "Drop-off Courier", tracking_create_label=False
        )
        cls.portal_user = cls.env["res.users"].create(
            {
                "login": "budi.portal",
                "password": "budi.portal",
                "partner_id": cls.customer.id,
                "groups_id": [(6, 0, cls.env.ref("base.group_portal").ids)],
            }
        )

    def _shipped_order(self, deliveries):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        start = datetime(2025, 1, 10, 8, 0)
        for index in range(deliveries):
            picking = self._create_picking(carrier=self.dropoff, qty=1)
            picking.sale_id = order
            self._validate(picking)
            number = f"PQ{order.id}X{index}"
            picking.action_set_tracking_number(number)
            picking._tracking_apply_events(
                [
                    {
                        "event_time": start + timedelta(hours=hour),
                        "shipment_state": "in_transit",
                        "status_code": "IN_TRANSIT",
                        "description": f"Hub {hour}",
                        "location": "Cirebon",
                    }
                    for hour in range(EVENTS)
                ]
            )
        return order, number

    def _page_queries(self, order, number):
        """SQL queries of the order page as the customer sees it (the second
        request: the first one fills the registry's caches)."""
        url = f"/my/orders/{order.id}"
        self.assertIn(number, self.url_open(url).text)
        before = self.cr.sql_log_count
        page = self.url_open(url)
        queries = self.cr.sql_log_count - before
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            page.text.count(f"Hub {EVENTS - 1}<"),
            page.text.count("o_tracking_shipment"),
        )
        return queries

    def test_queries_do_not_grow_with_deliveries_and_events(self):
        one = self._shipped_order(1)
        five = self._shipped_order(5)
        self.authenticate("budi.portal", "budi.portal")
        self.assertEqual(
            self._page_queries(*one),
            self._page_queries(*five),
            "1 delivery and 5 deliveries (20 events each): same queries",
        )
