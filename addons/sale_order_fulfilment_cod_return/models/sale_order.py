import dataclasses

from odoo import api, models

# A delivery re-shipped after its return to sender no longer holds up "every
# delivery delivered" (COD collection, COD invoicing once delivered): its
# new delivery does.
NOT_RESHIPPED = [
    "|",
    ("rts_return_id", "=", False),
    ("rts_return_id.rts_decision", "!=", "reship"),
]


def _skip_reshipped(domain):
    """`domain` with NOT_RESHIPPED added to its "some delivery not delivered"
    conditions (sale_order_fulfilment_cod's COD_DELIVERED)."""
    result = []
    for leaf in domain:
        if (
            isinstance(leaf, (list, tuple))
            and len(leaf) == 3
            and tuple(leaf[:2]) == ("picking_ids", "not any")
            and ("shipment_state", "!=", "delivered") in map(tuple, leaf[2])
        ):
            leaf = ("picking_ids", "not any", [*leaf[2], *NOT_RESHIPPED])
        result.append(leaf)
    return result


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _get_fulfilment_steps(self):
        steps = []
        for step in super()._get_fulfilment_steps():
            settings = step.settings
            steps.append(
                dataclasses.replace(
                    step,
                    domain=_skip_reshipped(step.domain),
                    settings=lambda trigger, settings=settings: _skip_reshipped(
                        settings(trigger)
                    ),
                )
            )
        return tuple(steps)
