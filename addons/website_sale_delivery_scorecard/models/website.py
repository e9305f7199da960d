from odoo import fields, models


class Website(models.Model):
    _inherit = "website"

    scorecard_badges = fields.Boolean(
        "On-Time Badges at Checkout",
        help="Show beside each delivery method (and courier service) its "
        "on-time rate from the courier scorecard, when enough deliveries are "
        "behind it (Inventory settings).",
    )
