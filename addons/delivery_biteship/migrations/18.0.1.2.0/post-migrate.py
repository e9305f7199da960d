def migrate(cr, version):
    """Biteship's own "Several Courier Services" option became the checkout
    contract's one option (delivery_carrier_tracking.checkout_rate_shopping):
    methods that shopped rates keep doing so."""
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = "
        "'delivery_carrier' AND column_name = 'biteship_rate_shopping'"
    )
    if not cr.fetchone():
        return
    cr.execute(
        "UPDATE delivery_carrier SET checkout_rate_shopping = TRUE "
        "WHERE biteship_rate_shopping"
    )
