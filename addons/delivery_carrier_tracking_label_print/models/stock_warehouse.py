from odoo import fields, models

from ..label_formats import LABEL_FORMATS


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    label_print_format = fields.Selection(
        LABEL_FORMATS,
        "Label Sheet",
        help="How the bulk label printing lays out the labels of deliveries "
        "from this warehouse whose carrier has no choice of its own. Empty: "
        "10 x 15 cm, one label per page.",
    )
