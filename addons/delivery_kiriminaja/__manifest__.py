{
    "name": "KiriminAja Shipping",
    "summary": "KiriminAja (JNE, J&T, SiCepat, ...): address areas, rates and "
    "booking on the generic carrier contract",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_carrier_tracking"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "views/delivery_carrier_views.xml",
        "views/res_partner_views.xml",
    ],
}
