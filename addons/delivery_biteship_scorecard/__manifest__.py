{
    "name": "Biteship Courier Scorecard",
    "summary": "Courier scorecard for Biteship: deliveries filed under the courier "
    "and service Biteship booked, measured against the delivery time quoted at "
    "checkout; on-time badges beside each courier service",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale_biteship", "website_sale_delivery_scorecard"],
    "assets": {
        "web.assets_frontend": [
            "delivery_biteship_scorecard/static/src/js/checkout.js",
        ],
        "web.assets_tests": [
            "delivery_biteship_scorecard/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "auto_install": True,
}
