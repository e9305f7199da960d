def post_init_hook(env):
    """Biteship deliveries booked before this module: filed under the courier
    and service Biteship booked, not under their delivery method's name."""
    pickings = env["stock.picking"].search(
        [
            ("carrier_id.delivery_type", "=", "biteship"),
            ("shipment_booked_at", "!=", False),
        ]
    )
    for picking in pickings:
        picking.write(picking._scorecard_booking_vals())
