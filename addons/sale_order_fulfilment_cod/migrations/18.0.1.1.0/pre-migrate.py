def migrate(cr, version):
    """Cash on delivery was a provider code of its own ('cod'); it is now
    payment_custom's provider in the 'cod' custom mode, confirmed through
    core's payment path. Providers are moved before the module's data and
    selections load: the code 'cod' is no longer declared, and Odoo would
    reset such providers to the default code. Transactions read their
    provider's code (a related field), orders keep their COD fields."""
    cr.execute(
        "UPDATE payment_provider SET code = 'custom', custom_mode = 'cod' "
        "WHERE code = 'cod'"
    )
