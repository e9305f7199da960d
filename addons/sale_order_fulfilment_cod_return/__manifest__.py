{
    "name": "Sale Order Fulfilment - COD Return to Sender",
    "summary": "Cash on delivery parcels the carrier brings back: the return to "
    "sender flow books the failed COD at the decision",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["sale_order_fulfilment_return", "sale_order_fulfilment_cod"],
    "auto_install": True,
}
