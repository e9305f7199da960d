from collections import defaultdict

from odoo.tools import SQL


def post_init_hook(env):
    """Deliveries booked before this module: stamped as booked when they were
    validated, under their courier and service (the tracking module's stamp)
    with their quoted time (one write per kind, one statement for the
    times), so that the scorecard counts them."""
    pickings = (
        env["stock.picking"]
        .search(
            [
                ("shipment_state", "not in", [False, "label_pending", "cancelled"]),
                ("shipment_booked_at", "=", False),
            ]
        )
        ._scorecard_unbooked()
    )
    if not pickings:
        return
    pickings._tracking_stamp_courier_service()
    kinds = defaultdict(list)
    for picking in pickings:
        kinds[tuple(sorted(picking._scorecard_booking_vals().items()))].append(
            picking.id
        )
    for vals, ids in kinds.items():
        pickings.browse(ids).write(dict(vals))
    pickings.flush_recordset()
    env.cr.execute(
        SQL(
            "UPDATE stock_picking SET shipment_booked_at = date_done WHERE id IN %s",
            tuple(pickings.ids),
        )
    )
    pickings.invalidate_recordset(["shipment_booked_at"])
    pickings.modified(["shipment_booked_at"])
