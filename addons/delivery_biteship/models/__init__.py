from . import biteship_carrier_payload
from . import biteship_carrier_rates
from . import biteship_carrier_shipping
from . import biteship_carrier_tracking
from . import delivery_carrier
from . import sale_order
from . import stock_picking
