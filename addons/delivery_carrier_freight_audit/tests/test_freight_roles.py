from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FreightCommon

FREIGHT_FIELDS = ["freight_quoted", "freight_booked", "freight_final"]


@tagged("post_install", "-at_install")
class TestFreightRoles(FreightCommon):
    """Inventory and Sales managers read the costs and the report,
    warehouse users a delivery's costs (as core's shipping cost in its
    chatter), salespeople and customers none of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "budi@example.com"

        def user(login, groups, **kw):
            return new_test_user(cls.env, login, groups=groups, **kw)

        cls.warehouse = user("freight_stock", "stock.group_stock_user")
        cls.stock_manager = user("freight_stock_mgr", "stock.group_stock_manager")
        cls.sales_manager = user("freight_sale_mgr", "sales_team.group_sale_manager")
        cls.salesman = user("freight_sale", "sales_team.group_sale_salesman")
        cls.portal = user(
            "freight_portal", "base.group_portal", partner_id=cls.customer.id
        )

    def test_warehouse_user_books_and_sees_the_delivery_costs(self):
        order = self._order(quote=12.0)
        order.user_id = self.salesman
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 2.0, "picked": True})
        # the warehouse user validates: the booking is recorded on their click
        self.assertIs(picking.with_user(self.warehouse).button_validate(), True)
        self._report(picking, 37.77)
        as_warehouse = picking.with_user(self.warehouse)
        self.assertEqual(
            [as_warehouse.read(FREIGHT_FIELDS)[0][f] for f in FREIGHT_FIELDS],
            [12.0, 10.0, 37.77],
        )
        self.assertEqual(len(as_warehouse.freight_cost_ids), 2)
        Report = self.env["stock.picking.freight.report"]
        with self.assertRaises(AccessError):
            Report.with_user(self.warehouse).search([])
        # nobody writes the audit trail by hand
        with self.assertRaises(AccessError):
            as_warehouse.freight_cost_ids[0].write({"amount": 1.0})
        for manager in (self.stock_manager, self.sales_manager):
            [group] = Report.with_user(manager).read_group(
                [("picking_id", "=", picking.id)], ["final:sum"], []
            )
            self.assertEqual(group["final"], 37.77, manager.login)
            self.assertEqual(
                picking.with_user(manager).read(["freight_final"])[0]["freight_final"],
                37.77,
            )
        with self.assertRaises(AccessError):
            self.env["stock.picking.freight.cost"].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            Report.with_user(self.salesman).search([])

        # the customer: no field, no record, nothing on the order page
        with self.assertRaises(AccessError):
            picking.with_user(self.portal).read(["freight_final"])
        with self.assertRaises(AccessError):
            self.env["stock.picking.freight.cost"].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            Report.with_user(self.portal).search([])
        self.authenticate(self.portal.login, self.portal.login)
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(picking.carrier_tracking_ref, page.text)
        self.assertNotIn("37.77", page.text)
        self.assertNotIn("Freight", page.text)

    def test_report_per_carrier_service_and_month(self):
        other = self._create_carrier("Kurir Lain", sequence=self.sequence)
        other.tracking_webhook_secret = "other-secret"
        shipped = []
        for carrier, quote, final, month in (
            (self.carrier, 12.0, 10.0, 1),  # under the quote by 2
            (self.carrier, 10.0, 25.0, 1),  # over by 15
            (self.carrier, 10.0, 10.0, 2),
            (other, 9.0, 10.0, 2),  # over by 1
        ):
            picking = self._ship(self._order(quote=quote, carrier=carrier))
            if final != picking.freight_final:
                self._report(picking, final)
            picking.freight_booked_at = datetime(2026, month, 15, 10, 0)
            shipped.append(picking)
        self.env.flush_all()
        Report = self.env["stock.picking.freight.report"].with_user(self.stock_manager)
        domain = [("picking_id", "in", [p.id for p in shipped])]
        groups = Report.read_group(
            domain,
            ["quoted:sum", "final:sum", "over_amount:sum", "under_amount:sum"],
            ["carrier_id", "service", "date:month"],
            lazy=False,
        )
        table = {
            (g["carrier_id"][1], g["service"], g["date:month"]): (
                g["__count"],
                g["quoted"],
                g["final"],
                g["over_amount"],
                g["under_amount"],
            )
            for g in groups
        }
        self.assertEqual(
            table,
            {
                ("Test Courier", "Test Courier", "January 2026"): (
                    2,
                    22.0,
                    35.0,
                    15.0,
                    2.0,
                ),
                ("Test Courier", "Test Courier", "February 2026"): (
                    1,
                    10.0,
                    10.0,
                    0.0,
                    0.0,
                ),
                ("Kurir Lain", "Kurir Lain", "February 2026"): (1, 9.0, 10.0, 1.0, 0.0),
            },
        )
        [corrected] = Report.read_group(
            domain + [("corrected_count", "=", 1)], ["correction:sum"], []
        )
        self.assertEqual(corrected["correction"], 15.0)
        self.assertEqual(corrected["__count"], 1)
