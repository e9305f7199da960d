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
    tracking_watch_label_hours = fields.Integer(
        "Watch Labels Pending For (Hours)",
        default=4,
        help="A delivery whose shipping label is still pending this many hours "
        "after validation needs a person (0: never).",
    )
    tracking_watch_days = fields.Integer(
        "Watch Shipments Silent For (Days)",
        default=3,
        help="A shipment on its way without any carrier event for this many "
        "days needs a person, unless its carrier sets its own number "
        "(0: never).",
    )
    tracking_watch_user_id = fields.Many2one(
        "res.users",
        "Shipments to Watch: Responsible",
        help="Who gets the activity of a shipment that needs a person when "
        "the delivery has no responsible.",
    )
