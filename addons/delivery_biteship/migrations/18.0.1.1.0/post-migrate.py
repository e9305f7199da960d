from odoo.tools import SQL


def migrate(cr, version):
    """Biteship's own order journal became delivery_carrier_tracking's booking
    journal: carry its rows over, so a delivery booked before the upgrade is
    still found again (Odoo drops the old table with its model afterwards)."""
    cr.execute("SELECT to_regclass('biteship_order_journal')")
    if not cr.fetchone()[0]:
        return
    cr.execute(
        SQL(
            "INSERT INTO delivery_carrier_booking (picking_ref, carrier_ref, "
            "carrier_shipment_id, alive, create_uid, create_date, write_uid, "
            "write_date) "
            "SELECT picking_ref, COALESCE(carrier_ref, 0), order_id, true, "
            "create_uid, create_date, write_uid, write_date "
            "FROM biteship_order_journal"
        )
    )
