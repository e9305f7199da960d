{
    "name": "Delivery Carrier Tracking: Indonesian and International Couriers",
    "summary": "JNE, J&T, SiCepat, Pos Indonesia, AnterAja, Ninja Xpress, DHL, FedEx, "
    "UPS preconfigured with their tracking pages",
    "version": "18.0.1.0.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "Fulfilment Team",
    "website": "https://github.com/fulfilment-team/odoo-fulfilment",
    "depends": ["delivery_carrier_tracking"],
    "data": ["data/delivery_carrier_data.xml"],
    "pre_init_hook": "pre_init_hook",
}
