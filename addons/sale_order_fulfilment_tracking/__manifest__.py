{
    "name": "Sale Order Fulfilment - Carrier Tracking",
    "summary": "Shipped and delivered steps of an order follow the carrier's "
    "shipment state",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["sale_order_fulfilment", "delivery_carrier_tracking"],
    "data": ["views/stock_picking_watch_views.xml"],
    "auto_install": True,
}
