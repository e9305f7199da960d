from . import controllers
from . import models


def post_init_hook(env):
    # Journal and receivable account of every company that has a chart
    # (companies getting a chart later get them on first use).
    env["res.company"].search(
        [("chart_template", "!=", False)]
    )._cod_ensure_accounting()


def uninstall_hook(env):
    # Core's removal of a provider code (payment_custom does the same for its
    # own): providers left with code 'none' instead of a dangling 'cod'.
    env["payment.provider"]._remove_provider("cod")
