from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    scorecard_min_deliveries = fields.Integer(
        "Minimum Deliveries for a Badge",
        default=30,
        help="A courier service shows its on-time rate at checkout only with at "
        "least this many delivered parcels judged in the scorecard period (to "
        "the customer's province, else anywhere).",
    )
    scorecard_days = fields.Integer(
        "Scorecard Period (Days)",
        default=90,
        help="The checkout badges count the parcels booked in this many last days.",
    )

    @api.constrains("scorecard_min_deliveries", "scorecard_days")
    def _check_scorecard_settings(self):
        for company in self:
            if company.scorecard_min_deliveries < 1 or company.scorecard_days < 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the scorecard's minimum deliveries for a "
                        "badge (%(minimum)s) and its period in days (%(days)s) "
                        "must be at least 1.",
                        company=company.name,
                        minimum=company.scorecard_min_deliveries,
                        days=company.scorecard_days,
                    )
                )
