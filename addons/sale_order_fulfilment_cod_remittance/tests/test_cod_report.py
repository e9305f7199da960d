"""The COD report per carrier and the overdue activity."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CodRemittanceCase, csv_file


@tagged("post_install", "-at_install")
class TestCodReport(CodRemittanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.cod_overdue_grace_days = 2
        cls.fast_carrier = cls.carrier.copy(
            {"name": "SiCepat COD", "cod_disbursement": "3_days"}
        )

    def back_date(self, order, days):
        order.cod_collected_date = fields.Datetime.now() - timedelta(days=days)

    def test_per_carrier_collected_remitted_outstanding_overdue(self):
        remitted = self.delivered_cod_order(100000)
        partial = self.delivered_cod_order(200000)
        late = self.delivered_cod_order(50000)
        recent = self.delivered_cod_order(70000, carrier=self.fast_carrier)
        late_fast = self.delivered_cod_order(30000, carrier=self.fast_carrier)
        # 7-day window + 2 grace days: 9 days ago is not overdue, 10 is
        self.back_date(partial, 10)
        self.back_date(late, 9)
        # 3-day window + 2: 6 days ago is overdue
        self.back_date(recent, 4)
        self.back_date(late_fast, 6)
        self.statement_line(150000.0, "WD-9")
        self.env["cod.remittance"].import_file(
            csv_file(
                [
                    ("WD-9", remitted.name, 100000, 0, 0, "2026-11-20"),
                    ("WD-9", partial.name, 50000, 0, 0, "2026-11-20"),
                ]
            ),
            journal_id=self.bank_journal.id,
        )
        report = self.env["cod.report"].with_user(self.billing)
        groups = report.read_group(
            [("carrier_id", "in", (self.carrier + self.fast_carrier).ids)],
            [
                "amount_collected:sum",
                "amount_remitted:sum",
                "amount_outstanding:sum",
                "amount_overdue:sum",
            ],
            ["carrier_id"],
        )
        figures = {
            group["carrier_id"][0]: (
                group["amount_collected"],
                group["amount_remitted"],
                group["amount_outstanding"],
                group["amount_overdue"],
            )
            for group in groups
        }
        self.assertEqual(
            figures[self.carrier.id], (350000.0, 150000.0, 200000.0, 150000.0)
        )
        self.assertEqual(
            figures[self.fast_carrier.id], (100000.0, 0.0, 100000.0, 30000.0)
        )
        row = report.search([("order_id", "=", partial.id)])
        self.assertEqual(row.cod_state, "collected")
        self.assertEqual(
            row.due_date, (partial.cod_collected_date + timedelta(days=9)).date()
        )

    def test_overdue_activity_once_per_order(self):
        late = self.delivered_cod_order(50000)
        on_time = self.delivered_cod_order(60000)
        self.back_date(late, 12)
        overdue_type = self.env.ref(
            "sale_order_fulfilment_cod_remittance.mail_activity_type_cod_overdue"
        )
        Order = self.env["sale.order"]
        Order._cron_cod_overdue_activities()
        Order._cron_cod_overdue_activities()
        activities = self.env["mail.activity"].search(
            [("activity_type_id", "=", overdue_type.id)]
        )
        self.assertEqual(activities.mapped("res_id"), late.ids)
        self.assertEqual(activities.user_id, self.salesman)
        self.assertIn("has not remitted", activities.note)
        self.assertFalse(on_time.activity_ids)
        # remitted at last: the activity is done
        self.statement_line(50000.0, f"COD {late.name}")
        self.assertEqual(late.cod_state, "remitted")
        self.assertFalse(activities.exists())
        Order._cron_cod_overdue_activities()
        self.assertFalse(late.activity_ids)
