def post_init_hook(env):
    """Biteship deliveries booked before this module: their quoted time is
    the one of the courier service Biteship booked, not their method's."""
    pickings = env["stock.picking"].search(
        [
            ("carrier_id.delivery_type", "=", "biteship"),
            ("shipment_booked_at", "!=", False),
        ]
    )
    # those stamped before the tracking module stamped them
    pickings._tracking_stamp_courier_service()
    for picking in pickings:
        picking.write(picking._scorecard_booking_vals())
