from odoo import fields, models


class CodReport(models.Model):
    """One row per collected cash-on-delivery order: what its carrier
    collected, remitted and still owes, and how much of that is overdue
    (delivered longer ago than the carrier's payout window plus the company's
    grace days). Read from the COD receivable lines of the collection
    entries, so it always agrees with the books."""

    _name = "cod.report"
    _description = "Cash on Delivery Report"
    _auto = False
    _order = "collected_date desc, id desc"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", readonly=True)
    carrier_id = fields.Many2one("delivery.carrier", readonly=True)
    partner_id = fields.Many2one("res.partner", "Remitted By", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    cod_state = fields.Selection(
        related="order_id.cod_state", string="COD State", readonly=True
    )
    collected_date = fields.Date("Collected On", readonly=True)
    due_date = fields.Date(
        "Due By", readonly=True, help="Collected on + payout window + grace days."
    )
    amount_collected = fields.Monetary("Collected", readonly=True)
    amount_remitted = fields.Monetary("Remitted", readonly=True)
    amount_outstanding = fields.Monetary("Outstanding", readonly=True)
    amount_overdue = fields.Monetary("Overdue Amount", readonly=True)
    is_overdue = fields.Boolean("Overdue", readonly=True)

    @property
    def _table_query(self):
        # The payout window of a carrier is a selection "<n>_days".
        return """
            SELECT aml.id AS id,
                   so.id AS order_id,
                   so.carrier_id AS carrier_id,
                   aml.partner_id AS partner_id,
                   aml.company_id AS company_id,
                   aml.company_currency_id AS currency_id,
                   collected.day AS collected_date,
                   collected.day + due.days AS due_date,
                   aml.balance AS amount_collected,
                   aml.balance - aml.amount_residual AS amount_remitted,
                   aml.amount_residual AS amount_outstanding,
                   CASE WHEN aml.amount_residual > 0
                         AND collected.day + due.days < CURRENT_DATE
                        THEN aml.amount_residual ELSE 0 END AS amount_overdue,
                   (aml.amount_residual > 0
                    AND collected.day + due.days < CURRENT_DATE) AS is_overdue
              FROM account_move_line aml
              JOIN account_move am
                ON am.id = aml.move_id AND am.cod_sale_order_id IS NOT NULL
              JOIN sale_order so ON so.id = am.cod_sale_order_id
              JOIN res_company company ON company.id = aml.company_id
              LEFT JOIN delivery_carrier carrier ON carrier.id = so.carrier_id
              CROSS JOIN LATERAL (
                    SELECT COALESCE(so.cod_collected_date::date, aml.date) AS day
              ) collected
              CROSS JOIN LATERAL (
                    SELECT COALESCE(
                               NULLIF(
                                   split_part(carrier.cod_disbursement, '_', 1), ''
                               )::int,
                               7
                           ) + COALESCE(company.cod_overdue_grace_days, 0) AS days
              ) due
             WHERE aml.account_id = company.cod_receivable_account_id
               AND aml.parent_state = 'posted'
               AND aml.balance > 0
        """
