{
    "name": "Courier Services at Checkout",
    "summary": "eCommerce checkout: one delivery method lists its provider's courier "
    "services with price and delivery time, cheapest and fastest marked",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale", "delivery_carrier_tracking"],
    "data": ["views/delivery_form_templates.xml"],
    "assets": {
        "web.assets_frontend": [
            "website_sale_delivery_services/static/src/js/checkout.js",
        ],
        "web.assets_tests": [
            "website_sale_delivery_services/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
}
