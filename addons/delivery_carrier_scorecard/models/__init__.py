# The report's view reads the columns the others add: it comes last.
from . import delivery_carrier
from . import res_company
from . import res_config_settings
from . import stock_picking
from . import stock_picking_parcel
from . import delivery_carrier_scorecard
