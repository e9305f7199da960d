from . import (
    delivery_carrier,
    ir_actions_report,
    stock_picking,
    stock_picking_batch,
    stock_picking_parcel,
    stock_warehouse,
)
