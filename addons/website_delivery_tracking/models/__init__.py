from . import (
    res_config_settings,
    sale_order,
    stock_picking,
    stock_picking_parcel,
    stock_picking_parcel_milestone,
    website,
    website_tracking_attempt,
)
