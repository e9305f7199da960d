from odoo.addons.payment import reset_payment_provider

from . import controllers
from . import models
from .models.payment_provider import COD_MODE


def post_init_hook(env):
    # Journal and receivable account of every company that has a chart
    # (companies getting a chart later get them on first use).
    env["res.company"].search(
        [("chart_template", "!=", False)]
    )._cod_ensure_accounting()


def uninstall_hook(env):
    # Core's reset of a provider mode (website_sale_collect does the same for
    # its 'on_site'): the COD provider is disabled and left without its mode.
    reset_payment_provider(env, "custom", custom_mode=COD_MODE)
