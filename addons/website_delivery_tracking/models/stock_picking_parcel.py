from collections import defaultdict

from odoo import api, models

from .stock_picking_parcel_milestone import MILESTONE_OF_STATE, MILESTONE_TEMPLATES

# precommit data: ids of the parcels whose milestones are to be checked
PENDING_KEY = "website_delivery_tracking.parcels"


class StockPickingParcel(models.Model):
    _inherit = "stock.picking.parcel"

    @api.model_create_multi
    def create(self, vals_list):
        parcels = super().create(vals_list)
        parcels._tracking_mail_milestones()
        return parcels

    def write(self, vals):
        res = super().write(vals)
        # Every way a parcel moves ends here: carrier events (webhook, poll),
        # a number typed later, the booking at validation, a state set on
        # the whole delivery.
        if "shipment_state" in vals or "tracking_number" in vals:
            self._tracking_mail_milestones()
        return res

    def _tracking_milestone(self):
        """The customer's milestone this parcel has reached, or False."""
        self.ensure_one()
        if self.picking_id._tracking_is_return():
            return False  # the customer's own parcel back to the shop
        milestone = MILESTONE_OF_STATE.get(self.shipment_state)
        if milestone == "shipped" and not (
            self.tracking_number and self.picking_id.state == "done"
        ):
            return False
        return milestone

    def _tracking_mail_milestones(self):
        """Mail the customer the milestones these parcels reach, just before
        the transaction commits: a webhook or poll moving a parcel through
        several states mails only where it ends, and parcels numbered or
        moved together (one webhook for the whole delivery) get one mail."""
        if not self:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_KEY)
        if pending is None:
            pending = precommit.data[PENDING_KEY] = set()
            parcels = self.sudo()
            precommit.add(lambda: parcels._tracking_mail_pending())
        pending.update(self.ids)

    def _tracking_mail_pending(self):
        ids = self.env.cr.precommit.data.pop(PENDING_KEY, set())
        self.browse(ids).exists()._tracking_send_milestones()
        # mails and milestones written after the transaction's last flush
        self.env.flush_all()

    def _tracking_send_milestones(self):
        """Mail the milestones these parcels reached, when the order's
        website wants it: once per parcel and milestone (the claim in
        stock.picking.parcel.milestone), one mail per delivery for the
        parcels that reach a milestone together."""
        todo = defaultdict(lambda: self.browse())
        for parcel in self.sudo():
            website = parcel.picking_id.sale_id.website_id
            milestone = website and parcel._tracking_milestone()
            if milestone and website._tracking_mail_enabled(milestone):
                todo[parcel.picking_id, milestone] |= parcel
        Milestone = self.env["stock.picking.parcel.milestone"].sudo()
        for (picking, milestone), parcels in todo.items():
            if Milestone._claim(parcels, milestone):
                picking._tracking_mail_customer(MILESTONE_TEMPLATES[milestone])
