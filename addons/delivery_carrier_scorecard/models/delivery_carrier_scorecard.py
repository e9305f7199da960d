from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.addons.delivery_carrier_tracking.shipment_rules import SHIPMENT_STATES
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..scorecard_rules import LATE, ON_TIME, badge_choice

# What get_scorecard may group by: the report's dimensions, "month" being
# the booking's month.
GROUPS = {
    "courier": "courier",
    "service": "service",
    "province": "state_id",
    "country": "country_id",
    "carrier": "carrier_id",
    "company": "company_id",
    "month": "booked_at:month",
}
AGGREGATES = (
    "parcel_count:sum",
    "picked_up_count:sum",
    "delivered_count:sum",
    "finished_count:sum",
    "on_time_basis:sum",
    "on_time_count:sum",
    "on_time_rate:avg",
    "pickup_days:avg",
    "delivery_days:avg",
    "exception_rate:avg",
    "return_rate:avg",
    "weight:sum",
    "cost:sum",
    "measured_weight:sum",
    "cost_per_kg:avg",
)


class DeliveryCarrierScorecard(models.Model):
    """One row per booked parcel of a delivery, with what the courier made
    of it; the scorecard is its aggregates (SQL, through _read_group).
    Rates are averages of 100/0 per row over the rows they apply to (the
    others are NULL), so any grouping weighs them by parcel."""

    _name = "delivery.carrier.scorecard"
    _description = "Courier Scorecard"
    _auto = False
    _order = "booked_at desc, id desc"
    _rec_name = "courier"
    # what the view reads: flushed before the report is read
    _depends = {  # noqa: RUF012
        "stock.picking.parcel": [
            "picking_id",
            "shipment_state",
            "weight",
            "scorecard_picked_up_at",
            "scorecard_delivered_at",
            "scorecard_exception",
            "scorecard_punctuality",
            "scorecard_cost",
        ],
        "stock.picking": [
            "company_id",
            "carrier_id",
            "partner_id",
            "shipment_courier",
            "shipment_service",
            "shipment_booked_at",
        ],
        "res.partner": ["state_id", "country_id"],
    }

    parcel_id = fields.Many2one("stock.picking.parcel", readonly=True)
    picking_id = fields.Many2one("stock.picking", "Delivery", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    carrier_id = fields.Many2one("delivery.carrier", "Delivery Method", readonly=True)
    courier = fields.Char(readonly=True)
    service = fields.Char("Courier Service", readonly=True)
    state_id = fields.Many2one("res.country.state", "Province", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    booked_at = fields.Datetime("Booked On", readonly=True)
    shipment_state = fields.Selection(SHIPMENT_STATES, readonly=True)
    parcel_count = fields.Integer("Parcels", readonly=True)
    picked_up_count = fields.Integer("Picked Up", readonly=True)
    delivered_count = fields.Integer("Delivered", readonly=True)
    finished_count = fields.Integer(
        "Finished", readonly=True, help="Parcels delivered or returned."
    )
    on_time_basis = fields.Integer(
        "Deliveries Judged",
        readonly=True,
        help="Delivered parcels that were quoted a delivery time.",
    )
    on_time_count = fields.Integer("Delivered On Time", readonly=True)
    on_time_rate = fields.Float(
        "On-Time Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the delivered parcels (with a quoted delivery time) "
        "delivered within it.",
    )
    pickup_days = fields.Float(
        "Days to Pickup", aggregator="avg", readonly=True, digits=(16, 1)
    )
    delivery_days = fields.Float(
        "Days to Delivery", aggregator="avg", readonly=True, digits=(16, 1)
    )
    exception_rate = fields.Float(
        "Exception Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the finished parcels that had a delivery problem.",
    )
    return_rate = fields.Float(
        "Return Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the finished parcels returned to the sender.",
    )
    weight = fields.Float(readonly=True, digits="Stock Weight")
    cost = fields.Float("Shipping Cost", readonly=True)
    measured_weight = fields.Float(
        "Weight Measured",
        readonly=True,
        digits="Stock Weight",
        help="Weight of the finished, weighed parcels: the cost per kg's basis.",
    )
    measured_cost = fields.Float("Cost Measured", readonly=True)
    cost_per_kg = fields.Float(
        "Cost per kg",
        aggregator="avg",
        readonly=True,
        help="Shipping cost of the finished, weighed parcels divided by their weight.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._view_query(),
            )
        )

    def _view_query(self):
        # Parcels and their delivery only (the delivery address for the
        # province): every dimension is stamped on the delivery at booking,
        # so the report is one hash join over the booked parcels.
        finished = SQL("parcel.shipment_state IN ('delivered', 'returned')")
        measured = SQL("%s AND parcel.weight > 0", finished)
        return SQL(
            """
            SELECT parcel.id AS id,
                   parcel.id AS parcel_id,
                   picking.id AS picking_id,
                   picking.company_id AS company_id,
                   picking.carrier_id AS carrier_id,
                   picking.shipment_courier AS courier,
                   COALESCE(picking.shipment_service, '') AS service,
                   partner.state_id AS state_id,
                   partner.country_id AS country_id,
                   picking.shipment_booked_at AS booked_at,
                   parcel.shipment_state AS shipment_state,
                   1 AS parcel_count,
                   (parcel.scorecard_picked_up_at IS NOT NULL)::int
                       AS picked_up_count,
                   (parcel.shipment_state = 'delivered')::int AS delivered_count,
                   (%(finished)s)::int AS finished_count,
                   (parcel.scorecard_punctuality IS NOT NULL)::int AS on_time_basis,
                   COALESCE(parcel.scorecard_punctuality = %(on_time)s, FALSE)::int
                       AS on_time_count,
                   CASE parcel.scorecard_punctuality
                       WHEN %(on_time)s THEN 100.0 WHEN %(late)s THEN 0.0
                   END AS on_time_rate,
                   GREATEST(EXTRACT(EPOCH FROM parcel.scorecard_picked_up_at
                       - picking.shipment_booked_at) / 86400.0, 0) AS pickup_days,
                   CASE WHEN parcel.shipment_state = 'delivered' THEN
                       GREATEST(EXTRACT(EPOCH FROM parcel.scorecard_delivered_at
                           - picking.shipment_booked_at) / 86400.0, 0)
                   END AS delivery_days,
                   CASE WHEN %(finished)s THEN
                       CASE WHEN parcel.scorecard_exception THEN 100.0 ELSE 0.0 END
                   END AS exception_rate,
                   CASE WHEN %(finished)s THEN
                       CASE WHEN parcel.shipment_state = 'returned'
                           THEN 100.0 ELSE 0.0 END
                   END AS return_rate,
                   parcel.weight AS weight,
                   parcel.scorecard_cost AS cost,
                   CASE WHEN %(measured)s THEN parcel.weight ELSE 0 END
                       AS measured_weight,
                   CASE WHEN %(measured)s THEN parcel.scorecard_cost ELSE 0 END
                       AS measured_cost,
                   CASE WHEN %(measured)s
                       THEN parcel.scorecard_cost / parcel.weight
                   END AS cost_per_kg
              FROM stock_picking_parcel parcel
              JOIN stock_picking picking ON picking.id = parcel.picking_id
              LEFT JOIN res_partner partner ON partner.id = picking.partner_id
             WHERE picking.shipment_booked_at IS NOT NULL
               AND parcel.shipment_state NOT IN ('label_pending', 'cancelled')
            """,
            finished=finished,
            measured=measured,
            on_time=ON_TIME,
            late=LATE,
        )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "cost_per_kg:avg":
            # the cost over the weight of the same parcels, not an average of
            # their ratios
            return SQL(
                "SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "measured_cost", query),
                self._field_to_sql(self._table, "measured_weight", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------ #
    # XML-RPC
    # ------------------------------------------------------------------ #

    @api.model
    def get_scorecard(self, group_by=("courier", "service"), domain=()):
        """The scorecard as JSON-safe rows (XML-RPC), for the users who may
        read the report (Inventory and Sales managers).

        :param group_by: any of courier, service, province, country,
            carrier, company, month (of the booking)
        :param domain: a domain on delivery.carrier.scorecard, e.g.
            [["booked_at", ">=", "2026-01-01"]]
        :return: one dict per group: the group's values (courier, service,
            province and province_code, country, carrier, company, month
            "YYYY-MM", as asked), parcels, picked_up, delivered, finished,
            judged_deliveries, on_time_deliveries, on_time_rate, days_to_pickup,
            days_to_delivery, exception_rate, return_rate (percentages and
            days rounded to 0.1), weight, cost, cost_per_kg; a figure without
            parcels to measure is False
        """
        self.check_access("read")
        if not group_by or any(name not in GROUPS for name in group_by):
            raise UserError(
                self.env._(
                    "The scorecard groups by one or more of %(allowed)s (asked: "
                    "%(asked)s).",
                    allowed=", ".join(GROUPS),
                    asked=", ".join(map(str, group_by)),
                )
            )
        groupby = [GROUPS[name] for name in group_by]
        rows = self._read_group(list(domain), groupby, AGGREGATES)
        return [
            {
                **self._scorecard_group_values(group_by, row[: len(groupby)]),
                **self._scorecard_figures(row[len(groupby) :]),
            }
            for row in rows
        ]

    @api.model
    def _scorecard_group_values(self, names, values):
        result = {}
        for name, value in zip(names, values, strict=True):
            if name == "province":
                result.update(province=value.name or "", province_code=value.code or "")
            elif name == "month":
                result["month"] = value.strftime("%Y-%m") if value else ""
            elif isinstance(value, models.BaseModel):
                result[name] = value.display_name or ""
            else:
                result[name] = value or ""
        return result

    @api.model
    def _scorecard_figures(self, aggregates):
        (
            parcels,
            picked_up,
            delivered,
            finished,
            judged,
            on_time,
            on_time_rate,
            pickup_days,
            delivery_days,
            exception_rate,
            return_rate,
            weight,
            cost,
            measured_weight,
            cost_per_kg,
        ) = aggregates

        # _read_group gives 0 for an average over no row: the basis tells
        def measured(value, basis, digits=1):
            return round(value, digits) if basis else False

        return {
            "parcels": parcels,
            "picked_up": picked_up,
            "delivered": delivered,
            "finished": finished,
            "judged_deliveries": judged,
            "on_time_deliveries": on_time,
            "on_time_rate": measured(on_time_rate, judged),
            "days_to_pickup": measured(pickup_days, picked_up),
            "days_to_delivery": measured(delivery_days, delivered),
            "exception_rate": measured(exception_rate, finished),
            "return_rate": measured(return_rate, finished),
            "weight": round(weight, 3),
            "cost": round(cost, 2),
            "cost_per_kg": measured(cost_per_kg, measured_weight, 2),
        }

    # ------------------------------------------------------------------ #
    # Checkout badges
    # ------------------------------------------------------------------ #

    @api.model
    def _scorecard_badges(self, order, keys):
        """{(courier, service): {"text", "title"}} of the keys whose recent
        deliveries (the company's Scorecard Period) are enough (its Minimum
        Deliveries for a Badge): the customer's province's rate when it has
        enough, else the country's. Read for shoppers, who cannot read the
        report: one grouped query, only the rate comes out."""
        keys = set(keys)
        if not keys:
            return {}
        company = order.company_id.sudo()
        since = fields.Datetime.now() - timedelta(days=company.scorecard_days)
        rows = self.sudo()._read_group(
            [
                ("company_id", "=", company.id),
                ("booked_at", ">=", since),
                ("courier", "in", sorted({courier for courier, _s in keys})),
                ("on_time_basis", "=", 1),
            ],
            ["courier", "service", "state_id"],
            ["on_time_basis:sum", "on_time_count:sum"],
        )
        by_key = defaultdict(list)
        for courier, service, state, judged, on_time in rows:
            by_key[courier, service or ""].append((state.id, judged, on_time))
        state = order.partner_shipping_id.state_id
        badges = {}
        for key in keys & by_key.keys():
            choice = badge_choice(
                by_key[key], state.id, company.scorecard_min_deliveries
            )
            if choice:
                badges[key] = self._scorecard_badge_values(state, *choice)
        return badges

    @api.model
    def _scorecard_badge_values(self, state, rate, deliveries, province):
        rate = round(rate)
        if province:
            title = self.env._(
                "%(rate)s %% of %(count)s recent deliveries to %(province)s "
                "arrived within the quoted delivery time.",
                rate=rate,
                count=deliveries,
                province=state.name,
            )
        else:
            title = self.env._(
                "%(rate)s %% of %(count)s recent deliveries arrived within the "
                "quoted delivery time.",
                rate=rate,
                count=deliveries,
            )
        return {"text": self.env._("On time %(rate)s %%", rate=rate), "title": title}
