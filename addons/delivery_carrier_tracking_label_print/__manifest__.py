{
    "name": "Delivery Carrier Tracking: Bulk Label Printing",
    "summary": "Print the shipping labels of many deliveries at once: one PDF "
    "(10 x 15 cm or A4 with 4 labels) or a ZPL file",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_carrier_tracking", "stock_picking_batch"],
    "data": [
        "report/label_print_reports.xml",
        "report/label_print_templates.xml",
        "data/ir_actions_server_data.xml",
        "views/delivery_carrier_views.xml",
        "views/stock_warehouse_views.xml",
        "views/stock_picking_batch_views.xml",
    ],
}
