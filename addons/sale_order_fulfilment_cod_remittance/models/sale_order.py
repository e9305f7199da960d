from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.misc import format_amount

ISSUE_ACTIVITY_TYPES = (
    "sale_order_fulfilment_cod_remittance.mail_activity_type_cod_short",
    "sale_order_fulfilment_cod_remittance.mail_activity_type_cod_overdue",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    cod_remittance_line_ids = fields.One2many(
        "cod.remittance.line", "sale_order_id", "COD Payout Lines", readonly=True
    )
    cod_remittance_issue = fields.Selection(
        [("short", "Short"), ("missing", "Missing")],
        "COD Payout Issue",
        readonly=True,
        copy=False,
        help="The last payout listing this order remitted less than its "
        "collected cash (short) or nothing (missing); cleared once remitted.",
    )

    @api.model
    def _cod_sync_remitted(self, move_lines):
        """cod_state 'remitted' for orders whose COD receivable lines are all
        reconciled, back to 'collected' when a reconciliation is undone. Open
        payout activities of a remitted order are done."""
        # the account first: it is in the cache, the entry's order may not be
        lines = move_lines.sudo().filtered(
            lambda l: (
                l.account_id == l.company_id.cod_receivable_account_id
                and l.move_id.cod_sale_order_id
            )
        )
        orders = lines.move_id.cod_sale_order_id
        if not orders:
            return
        open_by_order = self.env["cod.remittance"]._cod_open_receivables(orders)
        remitted = orders.filtered(
            lambda o: o.cod_state == "collected" and o.id not in open_by_order
        )
        reopened = orders.filtered(
            lambda o: o.cod_state == "remitted" and o.id in open_by_order
        )
        # cod_state is tracked: one message per order, written in one batch
        # (tracking would create them one by one: payouts cover thousands).
        if remitted:
            remitted.with_context(tracking_disable=True).write(
                {"cod_state": "remitted", "cod_remittance_issue": False}
            )
            remitted._message_log_batch(
                dict.fromkeys(
                    remitted.ids,
                    self.env._(
                        "Cash on delivery remitted: the carrier's COD receivable "
                        "of this order is reconciled."
                    ),
                )
            )
            activity_types = [self.env.ref(xmlid).id for xmlid in ISSUE_ACTIVITY_TYPES]
            remitted.activity_ids.filtered(
                lambda a: a.activity_type_id.id in activity_types
            ).action_feedback(feedback=self.env._("Remitted."))
        if reopened:
            reopened.with_context(tracking_disable=True).write(
                {"cod_state": "collected"}
            )
            reopened._message_log_batch(
                dict.fromkeys(
                    reopened.ids,
                    self.env._(
                        "Cash on delivery no longer remitted: the reconciliation "
                        "of its COD receivable was undone."
                    ),
                )
            )

    @api.model
    def _cron_cod_overdue_activities(self):
        """An activity on each order whose collected cash is overdue (report
        cod.report), once per order: an order that has one open is left
        alone, whatever the number of runs."""
        activity_type = self.env.ref(
            "sale_order_fulfilment_cod_remittance.mail_activity_type_cod_overdue"
        )
        # The report is SQL over orders and journal items: pending writes
        # first (the ORM cannot know what the query reads).
        self.env.flush_all()
        rows = self.env["cod.report"].search([("amount_overdue", ">", 0)])
        orders = rows.order_id.filtered(
            lambda o: activity_type not in o.activity_ids.activity_type_id
        )
        by_order = {row.order_id: row for row in rows}
        for order in orders:
            row = by_order[order]
            order.activity_schedule(
                activity_type_id=activity_type.id,
                note=self.env._(
                    "%(carrier)s has not remitted %(amount)s collected on %(date)s "
                    "(due by %(due)s).",
                    carrier=row.carrier_id.display_name or row.partner_id.display_name,
                    amount=format_amount(self.env, row.amount_overdue, row.currency_id),
                    date=fields.Date.to_string(row.collected_date),
                    due=fields.Date.to_string(row.due_date),
                ),
                user_id=(order.user_id or self.env.user).id,
                date_deadline=fields.Date.context_today(self) + timedelta(days=1),
            )
        return True
