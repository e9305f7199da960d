from odoo import fields, models


class Website(models.Model):
    _inherit = "website"

    fulfilment_auto_validate_delivery = fields.Boolean(
        string="Validate Deliveries Automatically",
        help="Validate the delivery of a paid order of this website as soon as it is "
        "fully reserved. Meant for shops shipping straight from stock: only one-step "
        "deliveries (no picking or packing operation before them) are validated.",
    )
