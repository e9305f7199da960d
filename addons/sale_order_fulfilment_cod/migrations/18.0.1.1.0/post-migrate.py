from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """sale_order_fulfilment's new stored predicate fulfilment_may_automate
    was computed for existing orders while it upgraded, before this module's
    hook (_is_fulfilment_agreed: COD orders to collect) was loaded: compute
    it again for the COD orders."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    orders = (
        env["sale.order"]
        .with_context(active_test=False)
        .search([("is_cod", "=", True)])
    )
    env.add_to_compute(orders._fields["fulfilment_may_automate"], orders)
    env.flush_all()
