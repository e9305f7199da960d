from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    # Values as the aggregators spell them (Biteship's origin_collection_method)
    shipment_collection_method = fields.Selection(
        [("pickup", "Courier Pickup"), ("drop_off", "Drop-off at the Courier")],
        "Parcels Leave By",
        default="pickup",
        required=True,
        help="How this warehouse hands parcels to carriers that offer a choice: "
        "the courier picks them up here, or the warehouse drops them off at the "
        "courier's agent. A courier service that does not offer this way is "
        "not offered at checkout for orders shipped from here.",
    )
