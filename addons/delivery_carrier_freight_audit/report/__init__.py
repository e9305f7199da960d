from . import stock_picking_freight_report
