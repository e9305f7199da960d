{
    "name": "Delivery Carrier Freight Audit",
    "summary": "Freight costs per delivery: quoted, booked, final and why; "
    "threshold activity, report, journal entry, real-cost rebilling",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_carrier_tracking", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/security.xml",
        "data/mail_activity_type_data.xml",
        "views/delivery_carrier_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_picking_freight_report_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
