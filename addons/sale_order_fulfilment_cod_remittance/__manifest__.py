{
    "name": "Sale Order Fulfilment - COD Remittance",
    "summary": "Cash-on-delivery payouts of carriers and aggregators imported "
    "(bank statement line, remittance file), fees booked, COD receivables "
    "reconciled, COD report with overdue payouts",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["sale_order_fulfilment_cod"],
    "data": [
        "security/ir.model.access.csv",
        "security/cod_remittance_security.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/cod_remittance_views.xml",
        "report/cod_report_views.xml",
        "wizards/cod_remittance_import_views.xml",
        "views/account_bank_statement_line_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
}
