{
    "name": "Delivery Carrier Tracking",
    "summary": "Shipments, labels and tracking kept current, in the back office, the portal and over XML-RPC",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["stock_delivery", "sale_stock", "portal"],
    "data": [],
    "installable": True,
    "application": False,
}
