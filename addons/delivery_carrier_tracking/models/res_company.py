from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    tracking_number_mail = fields.Boolean(
        "Email Tracking Number Set Later",
        default=True,
        help="Send the delivery confirmation email again, with the tracking "
        "link, when the tracking number is entered after validation.",
    )
    tracking_delivered_mail = fields.Boolean(
        "Email on Delivery",
        help="Email the customer when the carrier reports the parcel delivered.",
    )
