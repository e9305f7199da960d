def post_init_hook(env):
    """Deliveries numbered before this module was installed (by core or
    another module) get their parcels, so that webhooks and polls find them
    by number."""
    env["stock.picking"].search(
        [("carrier_tracking_ref", "!=", False), ("carrier_id", "!=", False)]
    )._tracking_ensure_parcels()
