{
    "name": "Courier Pickups from Batch Transfers",
    "summary": "Schedule the courier's pickup of a batch transfer's deliveries and "
    "find the batch's pickups from the batch",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_carrier_tracking", "stock_picking_batch"],
    "data": ["views/stock_picking_batch_views.xml"],
    "auto_install": True,
}
