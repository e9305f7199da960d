from . import delivery_carrier
from . import delivery_carrier_booking
from . import res_company
from . import res_config_settings
from . import stock_picking
from . import stock_picking_tracking_event
