from odoo import fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

# The report's rates: each a ratio of sums over a group's rows (see
# _read_group_select).
RATES = ("return_rate", "rts_rate")
# What only a returned row has: grouped or filtered by them, a group keeps as
# its delivered quantity the one of the same goods whatever the reason or
# origin (see _read_group).
RETURN_ONLY = ("reason_id", "origin")


class SaleReturnReport(models.Model):
    """Delivered and returned quantities side by side, per product, courier,
    reason and origin: the return rate is returned / delivered over any
    grouping (origin 'carrier' rows make the return-to-sender rate), given
    as the measures return_rate and rts_rate."""

    _name = "sale.return.report"
    _description = "Return Rates"
    _auto = False
    _order = "date desc"
    # flushed before the view is read (a report opened right after a write)
    _depends = {  # noqa: RUF012
        "stock.move": ["state", "quantity", "product_id", "picking_id", "sale_line_id"],
        "stock.picking": [
            "date_done",
            "carrier_id",
            "picking_type_id",
            "sale_return_id",
        ],
        "stock.picking.type": ["code"],
        "sale.order.line": ["order_id", "product_id"],
        "sale.order": ["carrier_id", "company_id", "website_id", "user_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "sale.return": ["order_id", "origin", "company_id", "state", "create_date"],
        "sale.return.line": ["return_id", "sale_line_id", "reason_id", "quantity"],
    }

    date = fields.Datetime(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Category", readonly=True)
    carrier_id = fields.Many2one("delivery.carrier", string="Courier", readonly=True)
    reason_id = fields.Many2one("sale.return.reason", readonly=True)
    # sale.return's origins, whatever modules add to them.
    origin = fields.Selection(
        selection=lambda self: self.env["sale.return"]._fields["origin"].selection,
        readonly=True,
        help="Who sent the goods back; empty on delivered rows.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    website_id = fields.Many2one("website", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    qty_delivered = fields.Float("Delivered Qty", readonly=True)
    qty_returned = fields.Float("Returned Qty", readonly=True)
    parcels_delivered = fields.Integer("Delivered Parcels", readonly=True)
    return_count = fields.Integer("Returned Lines", readonly=True)
    # A row holds either a delivered or a returned quantity: a rate means
    # something only over a group, where it is the ratio of the group's sums
    # (never an average of rows' ratios); the rows hold 0.
    return_rate = fields.Float(
        "Return Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Returned quantity over delivered quantity of the group, in %.",
    )
    rts_rate = fields.Float(
        "Return-to-Sender Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Quantity the carrier brought back (undelivered parcels) over "
        "delivered quantity of the group, in %.",
    )

    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """Delivered rows have no reason nor origin: a filter on them keeps
        the delivered rows (the damaged-return rate is over all that was
        delivered), and a group by them takes its delivered quantity from the
        group of the other fields (_read_group_select)."""
        domain = [
            ["|", leaf, ("qty_delivered", ">", 0)]
            if expression.is_leaf(leaf)
            and isinstance(leaf[0], str)
            and leaf[0].split(".")[0] in RETURN_ONLY
            else [leaf]
            for leaf in expression.distribute_not(expression.normalize_domain(domain))
        ]
        return super(
            SaleReturnReport,
            self.with_context(sale_return_report_groupby=tuple(groupby)),
        )._read_group(
            [term for terms in domain for term in terms],
            groupby,
            aggregates,
            having,
            offset,
            limit,
            order,
        )

    def _read_group_select(self, aggregate_spec, query):
        """A rate over a group, whatever aggregate is asked: 100 × the group's
        returned quantity (all of it, or the carrier's returns only) / its
        delivered quantity; empty when nothing was delivered. In a group by
        reason or origin, the delivered quantity is the one of the groups of
        the other fields together (a window over the grouped rows)."""
        fname = aggregate_spec.split(":")[0]
        if fname not in RATES:
            return super()._read_group_select(aggregate_spec, query)
        returned = self._field_to_sql(self._table, "qty_returned", query)
        delivered = SQL(
            "SUM(%s)", self._field_to_sql(self._table, "qty_delivered", query)
        )
        if fname == "rts_rate":
            origin = self._field_to_sql(self._table, "origin", query)
            returned = SQL(
                "CASE WHEN %s = 'carrier' THEN %s ELSE 0 END", origin, returned
            )
        groupby = self.env.context.get("sale_return_report_groupby") or ()
        if any(spec.split(":")[0] in RETURN_ONLY for spec in groupby):
            partition = [
                self._read_group_groupby(spec, query)
                for spec in groupby
                if spec.split(":")[0] not in RETURN_ONLY
            ]
            delivered = SQL(
                "SUM(%s) OVER (%s)",
                delivered,
                SQL("PARTITION BY %s", SQL(", ").join(partition))
                if partition
                else SQL(),
            )
        return SQL(
            "100.0 * SUM(%s) / NULLIF(%s, 0)",
            returned,
            delivered,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT
                    -m.id AS id,
                    p.date_done AS date,
                    m.product_id,
                    pt.categ_id,
                    COALESCE(p.carrier_id, so.carrier_id) AS carrier_id,
                    NULL::integer AS reason_id,
                    NULL::varchar AS origin,
                    so.company_id,
                    so.website_id,
                    so.id AS order_id,
                    so.user_id,
                    m.quantity AS qty_delivered,
                    0.0 AS qty_returned,
                    CASE WHEN m.id = (
                        SELECT min(m2.id) FROM stock_move m2
                        WHERE m2.picking_id = p.id AND m2.state = 'done'
                    ) THEN 1 ELSE 0 END AS parcels_delivered,
                    0 AS return_count,
                    0.0 AS return_rate,
                    0.0 AS rts_rate
                FROM stock_move m
                JOIN stock_picking p ON p.id = m.picking_id
                JOIN stock_picking_type t ON t.id = p.picking_type_id
                JOIN sale_order_line sol ON sol.id = m.sale_line_id
                JOIN sale_order so ON so.id = sol.order_id
                JOIN product_product pp ON pp.id = m.product_id
                JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE m.state = 'done' AND t.code = 'outgoing'
                UNION ALL
                SELECT
                    l.id AS id,
                    r.create_date AS date,
                    sol.product_id,
                    pt.categ_id,
                    COALESCE(
                        (SELECT rp.carrier_id FROM stock_picking rp
                         WHERE rp.sale_return_id = r.id
                         ORDER BY rp.id LIMIT 1),
                        so.carrier_id
                    ) AS carrier_id,
                    l.reason_id,
                    r.origin,
                    r.company_id,
                    so.website_id,
                    so.id AS order_id,
                    so.user_id,
                    0.0 AS qty_delivered,
                    l.quantity AS qty_returned,
                    0 AS parcels_delivered,
                    1 AS return_count,
                    0.0 AS return_rate,
                    0.0 AS rts_rate
                FROM sale_return_line l
                JOIN sale_return r ON r.id = l.return_id
                JOIN sale_order_line sol ON sol.id = l.sale_line_id
                JOIN sale_order so ON so.id = r.order_id
                JOIN product_product pp ON pp.id = sol.product_id
                JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE r.state NOT IN ('refused', 'cancelled')
            )
            """
        )
