from . import stock_picking_tracking_number
