from . import sale_order
from . import stock_picking
from . import stock_picking_watch
