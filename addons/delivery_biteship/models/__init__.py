from . import biteship_order_journal
from . import delivery_carrier
from . import stock_picking
