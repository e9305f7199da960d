from odoo import fields, models

from ..label_formats import LABEL_FORMATS


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    label_print_format = fields.Selection(
        LABEL_FORMATS,
        "Label Sheet",
        help="How the bulk label printing lays out this carrier's labels. "
        "Empty: the warehouse's choice.",
    )
