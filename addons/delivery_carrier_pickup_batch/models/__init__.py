from . import stock_picking_batch
