{
    "name": "Biteship Shipping",
    "summary": "Biteship (JNE, J&T, SiCepat, ...): rates, shipments, labels, tracking",
    "version": "18.0.1.2.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_carrier_tracking"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "views/delivery_carrier_views.xml",
        "views/stock_picking_views.xml",
        "views/sale_portal_templates.xml",
    ],
    "demo": ["demo/delivery_biteship_demo.xml"],
}
