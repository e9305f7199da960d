from odoo import api, fields, models
from odoo.tools import SQL

MILESTONES = [
    ("shipped", "Shipped"),
    ("out_for_delivery", "Out for Delivery"),
    ("problem", "Delivery Problem"),
    ("delivered", "Delivered"),
]
# The customer's milestone a parcel in this shipment state has reached.
# "Shipped" once it has a waybill and the delivery is done (checked by the
# parcel); on hold, no courier found and a parcel coming back are
# "exception" (delivery_biteship's map), a parcel back at the shop returned.
MILESTONE_OF_STATE = {
    "label_created": "shipped",
    "picked_up": "shipped",
    "in_transit": "shipped",
    "out_for_delivery": "out_for_delivery",
    "exception": "problem",
    "returned": "problem",
    "delivered": "delivered",
}
MILESTONE_TEMPLATES = {
    milestone: f"website_delivery_tracking.mail_template_parcel_{milestone}"
    for milestone, _label in MILESTONES
}


class StockPickingParcelMilestone(models.Model):
    """A milestone mail sent for a parcel. The unique key is what makes each
    milestone mailed at most once per parcel: webhooks and polls arriving in
    any order, twice, or at the same time in two workers all try to insert
    the same row, and only the one that inserts it sends the mail."""

    _name = "stock.picking.parcel.milestone"
    _description = "Parcel Milestone Mailed"
    _order = "id"

    parcel_id = fields.Many2one(
        "stock.picking.parcel", required=True, ondelete="cascade", index=True
    )
    picking_id = fields.Many2one(related="parcel_id.picking_id", store=True)
    milestone = fields.Selection(MILESTONES, required=True)
    sent_at = fields.Datetime(required=True, default=fields.Datetime.now)

    _sql_constraints = [  # noqa: RUF012
        (
            "parcel_milestone_unique",
            "unique(parcel_id, milestone)",
            "This milestone was already mailed for this parcel.",
        ),
    ]

    @api.model
    def _claim(self, parcels, milestone):
        """Record `milestone` for these parcels; returns those it was not
        recorded for before (the ones to mail about). ON CONFLICT: a row
        another transaction inserted is skipped here, or makes this one
        retry (serialization failure) and see it then."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO stock_picking_parcel_milestone
                    (parcel_id, picking_id, milestone, sent_at)
                SELECT parcel.id, parcel.picking_id, %(milestone)s,
                       now() AT TIME ZONE 'UTC'
                  FROM stock_picking_parcel parcel
                 WHERE parcel.id IN %(ids)s
                ON CONFLICT (parcel_id, milestone) DO NOTHING
                RETURNING parcel_id
                """,
                milestone=milestone,
                ids=tuple(parcels.ids),
            )
        )
        return parcels.browse([row[0] for row in rows])
