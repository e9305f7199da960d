{
    "name": "Biteship Courier Choice at Checkout",
    "summary": "Bridge: Biteship's courier services in the checkout's service list "
    "(website_sale_delivery_services)",
    "version": "18.0.1.1.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale_delivery_services", "delivery_biteship"],
    "auto_install": True,
}
