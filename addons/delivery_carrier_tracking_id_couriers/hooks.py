from pathlib import Path

from lxml import etree

DATA_FILE = Path(__file__).parent / "data" / "delivery_carrier_data.xml"
# Where these records lived before this module existed (databases installed
# with an older delivery_carrier_tracking still have them under that name).
OLD_MODULE = "delivery_carrier_tracking"


def _record_names():
    """The XML ids this module's data defines, with the product templates Odoo
    names after each product variant (<id>_product_template)."""
    names = []
    for record in etree.parse(str(DATA_FILE)).iter("record"):
        names.append(record.get("id"))
        if record.get("model") == "product.product":
            names.append(f"{record.get('id')}_product_template")
    return names


def pre_init_hook(env):
    """Adopt the couriers an older delivery_carrier_tracking created, so that
    installing this module keeps them (ids, prices and links users edited:
    the data is noupdate) instead of creating a second JNE, J&T, ..."""
    env.cr.execute(
        """UPDATE ir_model_data SET module = %s
            WHERE module = %s AND name = ANY(%s)""",
        ("delivery_carrier_tracking_id_couriers", OLD_MODULE, _record_names()),
    )
