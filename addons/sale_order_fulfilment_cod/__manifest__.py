{
    "name": "Sale Order Fulfilment - Cash on Delivery",
    "summary": "Cash on delivery from the checkout to the books: COD payment, "
    "fee line, label amount, collection entry on delivery, failed parcels",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": [
        "sale_order_fulfilment_tracking",
        "payment_custom",
        "website_sale",
        "account",
    ],
    "data": [
        "data/product_data.xml",
        "data/payment_method_data.xml",
        "data/payment_provider_data.xml",
        "views/payment_provider_views.xml",
        "views/payment_templates.xml",
        "views/delivery_carrier_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/sale_portal_templates.xml",
        "report/shipping_label_report.xml",
    ],
    "demo": ["demo/cod_demo.xml"],
    "assets": {
        "web.assets_frontend": [
            "sale_order_fulfilment_cod/static/src/js/post_processing.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
