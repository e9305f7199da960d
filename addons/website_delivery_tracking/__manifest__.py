{
    "name": "Website Delivery Tracking",
    "summary": "Public order tracking page for guests, and the customer's "
    "shipping mails (shipped, out for delivery, problem, delivered)",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale", "sale_order_fulfilment", "delivery_carrier_tracking"],
    "data": [
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "views/website_tracking_templates.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "website_delivery_tracking/static/tests/tours/*.js",
        ],
    },
}
