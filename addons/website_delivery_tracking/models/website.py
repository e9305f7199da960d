from odoo import fields, models


class Website(models.Model):
    _inherit = "website"

    tracking_mail_shipped = fields.Boolean(
        "Email When Shipped",
        help="Email the customer when a parcel of a web order has its tracking "
        "number and leaves, with the link to the order's tracking page.",
    )
    tracking_mail_out_for_delivery = fields.Boolean(
        "Email When Out for Delivery",
        help="Email the customer when the courier reports a parcel out for delivery.",
    )
    tracking_mail_problem = fields.Boolean(
        "Email on Delivery Problems",
        help="Email the customer when the courier reports a problem with a "
        "parcel (on hold, no courier found, returned to the shop).",
    )
    tracking_mail_delivered = fields.Boolean(
        "Email When Delivered",
        help="Email the customer when a parcel is delivered. Replaces the "
        "company's 'Email on Delivery' mail for this website's orders.",
    )
    tracking_link_days = fields.Integer(
        "Tracking Link Validity (Days)",
        default=90,
        help="How long the signed tracking page links sent in mails stay valid.",
    )

    def _tracking_mail_enabled(self, milestone):
        """Whether this website mails its customers at `milestone` (a key of
        stock.picking.parcel.milestone's selection)."""
        self.ensure_one()
        return self[f"tracking_mail_{milestone}"]
