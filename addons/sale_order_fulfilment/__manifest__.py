{
    "name": "Sale Order Fulfilment",
    "summary": "Paid web orders invoiced, posted, reconciled and fulfilled "
    "without clicks",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale", "sale_stock", "stock_delivery", "account_payment"],
    "data": [
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/sale_portal_templates.xml",
    ],
    "demo": ["demo/res_company_demo.xml"],
}
