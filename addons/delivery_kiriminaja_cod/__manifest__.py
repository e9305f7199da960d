{
    "name": "KiriminAja Cash on Delivery",
    "summary": "Cash on delivery through KiriminAja: offered when the chosen "
    "courier service collects cash, its fee from KiriminAja's rates, the amount "
    "booked with the package",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_kiriminaja", "sale_order_fulfilment_cod"],
    "data": [
        "data/res_partner_data.xml",
        "views/delivery_carrier_views.xml",
    ],
    "auto_install": True,
}
