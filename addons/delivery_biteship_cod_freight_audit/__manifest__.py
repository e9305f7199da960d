{
    "name": "Biteship COD Freight Audit",
    "summary": "The COD fee the customer paid counts in the quote of a Biteship "
    "delivery, since Biteship bills it in the delivery's price",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_biteship_cod", "delivery_biteship_freight_audit"],
    "auto_install": True,
}
