{
    "name": "Courier Scorecard Badges at Checkout",
    "summary": "eCommerce checkout: a delivery method's on-time rate beside it "
    '("On time 96 %"), only with enough deliveries behind it',
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale", "delivery_carrier_scorecard"],
    "data": [
        "views/delivery_form_templates.xml",
        "views/res_config_settings_views.xml",
    ],
    "auto_install": True,
}
