from . import sale_return_refuse
from . import stock_return_picking
from . import sale_return_rts_decide
