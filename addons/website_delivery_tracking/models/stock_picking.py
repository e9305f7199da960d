from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        # A tracking number given before validation: the parcel is shipped
        # only now that the delivery is done. Parcels are Inventory's records:
        # salespeople and billing users validate deliveries too.
        self.sudo().parcel_ids._tracking_mail_milestones()
        return res

    def _tracking_notify_delivered(self):
        # The website's per-parcel "delivered" mail replaces the company's
        # per-delivery one: the customer gets one of them, not both.
        website = self.sale_id.website_id
        if website and website._tracking_mail_enabled("delivered"):
            return
        super()._tracking_notify_delivered()

    def _tracking_mail_parcels(self):
        """The parcels of this delivery as the milestone mails list them, in
        the language the mail is rendered in: [{number, url, state}]."""
        self.ensure_one()
        states = dict(
            self.parcel_ids._fields["shipment_state"]._description_selection(self.env)
        )
        return [
            {
                "number": parcel.tracking_number,
                "url": parcel.tracking_url or "",
                "state": states.get(parcel.shipment_state, ""),
            }
            for parcel in self.parcel_ids
            if parcel.tracking_number
        ]
