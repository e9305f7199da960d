from . import stock_picking_tracking_number
from . import delivery_pickup_schedule
from . import delivery_pickup_schedule_line
from . import delivery_pickup_schedule_window
