from . import delivery_carrier
from . import delivery_carrier_payload
from . import delivery_carrier_rates
from . import delivery_carrier_shipping
from . import delivery_carrier_tracking
from . import delivery_carrier_webhook
from . import sale_order
from . import stock_picking
