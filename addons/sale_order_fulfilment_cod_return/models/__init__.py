from . import sale_order
from . import sale_return
from . import stock_picking
