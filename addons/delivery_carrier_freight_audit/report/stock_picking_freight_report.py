from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.stock_picking_freight_cost import REASONS


class StockPickingFreightReport(models.Model):
    """Freight costs per booked delivery, a view over the delivery's stored
    figures (one row per delivery, no join but its company): pivot and graph
    per carrier, courier service and month, quoted vs final."""

    _name = "stock.picking.freight.report"
    _description = "Freight Costs"
    _auto = False
    _order = "date desc"
    _rec_name = "picking_id"
    # flushed before the view is read (a report opened right after a write)
    _depends = {  # noqa: RUF012
        "stock.picking": [
            "freight_booked_at",
            "carrier_id",
            "shipment_courier",
            "shipment_service",
            "company_id",
            "freight_reason",
            "freight_quoted",
            "freight_booked",
            "freight_final",
            "freight_return_postage",
        ],
        "res.company": ["currency_id"],
    }

    picking_id = fields.Many2one("stock.picking", "Delivery", readonly=True)
    date = fields.Datetime("Booked On", readonly=True)
    carrier_id = fields.Many2one("delivery.carrier", readonly=True)
    service = fields.Char("Courier Service", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    reason = fields.Selection(REASONS, "Why the Cost Changed", readonly=True)
    quoted = fields.Monetary(readonly=True)
    booked = fields.Monetary(readonly=True)
    final = fields.Monetary(readonly=True)
    correction = fields.Monetary(
        "Carrier's Correction", readonly=True, help="Final less booked."
    )
    difference = fields.Monetary(
        "Over / Under Quote",
        readonly=True,
        help="Final less quoted: positive when the shipment cost more than the "
        "customer was quoted.",
    )
    over_amount = fields.Monetary(
        "Cost over Quote", readonly=True, help="Total of the positive differences."
    )
    under_amount = fields.Monetary(
        "Cost under Quote", readonly=True, help="Total of the negative differences."
    )
    return_postage = fields.Monetary(
        readonly=True,
        help="What the carriers charge for bringing parcels back to the shop.",
    )
    delivery_count = fields.Integer("Deliveries", readonly=True)
    corrected_count = fields.Integer(
        "Deliveries Corrected",
        readonly=True,
        help="Deliveries whose final cost differs from the booked one.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT p.id AS id,
                           p.id AS picking_id,
                           p.freight_booked_at AS date,
                           p.carrier_id,
                           NULLIF(CONCAT_WS(' ', p.shipment_courier,
                                            p.shipment_service), '')
                               AS service,
                           p.company_id,
                           c.currency_id,
                           p.freight_reason AS reason,
                           p.freight_quoted AS quoted,
                           p.freight_booked AS booked,
                           p.freight_final AS final,
                           p.freight_final - p.freight_booked AS correction,
                           p.freight_final - p.freight_quoted AS difference,
                           GREATEST(p.freight_final - p.freight_quoted, 0)
                               AS over_amount,
                           GREATEST(p.freight_quoted - p.freight_final, 0)
                               AS under_amount,
                           p.freight_return_postage AS return_postage,
                           1 AS delivery_count,
                           CASE WHEN p.freight_final <> p.freight_booked
                                THEN 1 ELSE 0 END AS corrected_count
                      FROM stock_picking p
                      JOIN res_company c ON c.id = p.company_id
                     WHERE p.freight_booked_at IS NOT NULL
                )
                """,
                SQL.identifier(self._table),
            )
        )
