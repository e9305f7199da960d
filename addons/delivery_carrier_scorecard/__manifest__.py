{
    "name": "Courier Scorecard",
    "summary": "Couriers and services compared from their parcels' events: on-time "
    "rate against the quoted delivery time, days to pickup and delivery, "
    "exceptions, returns, cost per kg, per province",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_carrier_tracking"],
    "data": [
        "security/ir.model.access.csv",
        "security/security.xml",
        "views/delivery_carrier_scorecard_views.xml",
        "views/delivery_carrier_views.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "post_init_hook": "post_init_hook",
}
