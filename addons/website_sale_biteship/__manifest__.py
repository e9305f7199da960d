{
    "name": "Biteship Courier Choice at Checkout",
    "summary": "eCommerce checkout: every Biteship courier service with its price "
    "and delivery time, cheapest and fastest marked",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale", "delivery_biteship"],
    "data": ["views/delivery_form_templates.xml"],
    "assets": {
        "web.assets_frontend": [
            "website_sale_biteship/static/src/js/checkout.js",
        ],
    },
    "auto_install": True,
}
