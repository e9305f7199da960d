{
    "name": "Sale Order Fulfilment",
    "summary": "Paid web orders invoiced, posted, reconciled and fulfilled without clicks",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["website_sale", "sale_stock", "account_payment"],
    "data": [],
    "installable": True,
    "application": False,
}
