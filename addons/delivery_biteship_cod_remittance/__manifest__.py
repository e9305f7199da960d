{
    "name": "Biteship COD Payouts",
    "summary": "Biteship's COD export and reference_id read by the COD payout import",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_biteship_cod", "sale_order_fulfilment_cod_remittance"],
    "auto_install": True,
}
