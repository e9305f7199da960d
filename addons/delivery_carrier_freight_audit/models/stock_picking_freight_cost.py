from odoo import api, fields, models

# Who may read freight costs: core shows a delivery's shipping cost to
# warehouse users (the chatter note of send_to_shipper); sales managers
# answer for what customers are charged.
FREIGHT_GROUPS = "stock.group_stock_user,sales_team.group_sale_manager"
REASONS = [
    ("weight", "Weight / size"),
    ("cod_fee", "COD fee"),
    ("insurance", "Insurance"),
    ("proof_of_delivery", "Proof of delivery"),
    ("return", "Return postage"),
    ("other", "Other"),
]


class StockPickingFreightCost(models.Model):
    """One price a carrier gave for a delivery: at booking, in a later report
    (re-weighing, fees), or nothing once the shipment was cancelled; with the
    carrier's parts and raw values. Written by the system only."""

    _name = "stock.picking.freight.cost"
    _description = "Freight Cost Change"
    _order = "picking_id, id"

    picking_id = fields.Many2one(
        "stock.picking", "Delivery", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    carrier_id = fields.Many2one("delivery.carrier", readonly=True)
    kind = fields.Selection(
        [
            ("booked", "Booked"),
            ("report", "Carrier's price report"),
            ("cancelled", "Shipment cancelled"),
        ],
        required=True,
        readonly=True,
    )
    report_time = fields.Datetime(
        "Received", required=True, readonly=True, default=fields.Datetime.now
    )
    amount = fields.Monetary("Freight Cost", readonly=True)
    previous_amount = fields.Monetary(
        "Before",
        readonly=True,
        help="The cost before this change; for a booking, the price quoted to "
        "the customer.",
    )
    difference = fields.Monetary(
        compute="_compute_difference", store=True, readonly=True
    )
    shipping_fee = fields.Monetary(readonly=True)
    cod_fee = fields.Monetary("COD Fee", readonly=True)
    insurance_fee = fields.Monetary(readonly=True)
    proof_of_delivery_fee = fields.Monetary(readonly=True)
    return_fee = fields.Monetary(
        "Return Postage",
        readonly=True,
        help="What the carrier charges for bringing the parcel back to the shop.",
    )
    other_fee = fields.Monetary(
        readonly=True,
        help="What the carrier's parts leave of its price (negative when they "
        "add up to more).",
    )
    weight = fields.Float(
        "Carrier's Weight (kg)", readonly=True, help="0: the carrier gave none."
    )
    reason = fields.Selection(REASONS, "Main Reason", readonly=True)
    reason_keys = fields.Char(readonly=True)
    reasons = fields.Char("Why", compute="_compute_reasons")
    raw_values = fields.Text("Carrier's Values", readonly=True)
    report_key = fields.Char(readonly=True, index=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True)
    posted_amount = fields.Monetary(
        readonly=True, help="The part of the cost the journal entry posted."
    )

    @api.depends("amount", "previous_amount")
    def _compute_difference(self):
        for cost in self:
            cost.difference = cost.amount - cost.previous_amount

    @api.depends("reason_keys")
    def _compute_reasons(self):
        labels = dict(self._fields["reason"]._description_selection(self.env))
        for cost in self:
            keys = (cost.reason_keys or "").split(",")
            cost.reasons = ", ".join(labels[key] for key in keys if key in labels)
