{
    "name": "Biteship Freight Audit",
    "summary": "Biteship's prices and fees (order.price webhook, bookings) in "
    "the freight-cost audit",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_biteship", "delivery_carrier_freight_audit"],
    "auto_install": True,
}
