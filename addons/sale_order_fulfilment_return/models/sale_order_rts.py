from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    fulfilment_state = fields.Selection(
        selection_add=[("returning", "Returning to the Shop")],
        ondelete={"returning": "set shipped"},
    )

    @api.model
    def _fulfilment_state_depends(self):
        return [
            *super()._fulfilment_state_depends(),
            "picking_ids.rts_return_id.rts_decision",
            "picking_ids.rts_return_id.reship_picking_id.state",
        ]

    @api.model
    def _fulfilment_agreement_depends(self):
        return [
            *super()._fulfilment_agreement_depends(),
            "picking_ids.rts_return_id.rts_decision",
        ]

    def _rts_is_returning(self):
        """A delivery of the order is coming back to the shop and no person
        decided yet what follows (stock.picking's shipping state hook)."""
        self.ensure_one()
        return any(
            p._get_fulfilment_shipping_state() == "returning"
            for p in self.picking_ids
            if p.picking_type_code == "outgoing" and p.state != "cancel"
        )

    def _is_fulfilment_waiting(self):
        # A parcel coming back: a person decides (refund, cancel, re-ship).
        return super()._is_fulfilment_waiting() or self._rts_is_returning()

    def _get_fulfilment_waiting_note(self):
        if self._rts_is_returning():
            return self.env._(
                "a parcel is coming back to the shop: decide on its return to "
                "sender at receipt"
            )
        return super()._get_fulfilment_waiting_note()

    def _get_fulfilment_progress(self):
        progress = super()._get_fulfilment_progress()
        if progress and self._rts_is_returning():
            return "returning"
        return progress

    def _get_fulfilment_timeline(self):
        """The customer sees the parcel on its way back."""
        steps = super()._get_fulfilment_timeline()
        if self._get_fulfilment_progress() == "returning":
            labels = dict(
                self._fields["fulfilment_state"]._description_selection(self.env)
            )
            steps.append(
                {"step": "returning", "label": labels["returning"], "done": True}
            )
        return steps
