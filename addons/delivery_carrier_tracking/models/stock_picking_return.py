from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class StockPicking(models.Model):
    """Return parcels: a receipt with a carrier is a parcel on its way back
    to the warehouse, tracked like any (states, events, poll, webhooks) but
    never mailed to the customer as a delivery; its return label through
    core's contract (print_return_label, carrier.get_return_label), and its
    receipt found by scanning its tracking number."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    # name_search (a many2one, a scanner typing into a field) finds a
    # delivery or a return by its tracking number(s) too
    _rec_names_search = ("name", "carrier_tracking_ref")

    tracking_return_label_ref = fields.Char(
        "Return Label Number",
        copy=False,
        readonly=True,
        help="The number of the return label printed with this delivery "
        "(the method's Generate Return Label): a return of it takes it.",
    )

    def _tracking_is_return(self):
        """Whether this picking's parcel travels from the customer to the
        warehouse (a return receipt with a carrier): its label goes the other
        way, and the customer mails about deliveries are not for it. A
        receipt of purchased goods is none, carrier or not."""
        self.ensure_one()
        return self.picking_type_code == "incoming" and bool(self.return_id)

    def _tracking_check_return_label(self):
        """Raise a UserError naming the picking and why core's return label
        contract cannot give it a return label."""
        for picking in self:
            reason = False
            if not picking._tracking_is_return():
                reason = self.env._("it is not a return receipt")
            elif picking.state in ("done", "cancel"):
                reason = self.env._("it is already received or cancelled")
            elif not picking.carrier_id:
                reason = self.env._("it has no shipping method")
            elif picking.shipment_state == "cancelled":
                reason = self.env._(
                    "its return pickup was cancelled with the carrier; cancel "
                    "this receipt and make a new return"
                )
            elif not picking.carrier_id.can_generate_return:
                reason = self.env._(
                    "its shipping method %(carrier)s makes no return labels",
                    carrier=picking.carrier_id.name,
                )
            if reason:
                raise UserError(
                    self.env._(
                        "No return label for %(picking)s: %(reason)s.",
                        picking=picking.name,
                        reason=reason,
                    )
                )

    def print_return_label(self):
        """Core's button (and XML-RPC): the return receipt's label, made once
        by its carrier (a second call returns the same), for Inventory users.
        Returns True (core's returns None, which XML-RPC cannot send)."""
        self.ensure_one()
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._(
                    "Only Inventory users may make return labels (%(picking)s).",
                    picking=self.name,
                )
            )
        self.check_access("write")
        self._tracking_check_return_label()
        super().print_return_label()
        return True

    def cancel_shipment(self):
        """Core's contract, also for a return receipt's pickup (its return
        label): its labels are kept, renamed, so that neither core's
        return_label_ids nor the portal offer the void one again."""
        res = super().cancel_shipment()
        returns = self.filtered(lambda p: p._tracking_is_return())
        if returns:
            labels = (
                self.env["ir.attachment"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", "stock.picking"),
                        ("res_id", "in", returns.ids),
                        ("name", "=like", "LabelReturn-%"),
                    ]
                )
            )
            for label in labels:
                label.name = f"Cancelled-{label.name}"
            returns.invalidate_recordset(["return_label_ids", "tracking_label_ids"])
        return res

    @api.model
    def action_open_by_tracking_number(self, tracking_number):
        """The warehouse scans (or types) a parcel's tracking number: the
        return receipt waiting for that parcel, else any picking with that
        number, opened in its form (several: their list). Inventory users
        only; validating the receipt is core's.

        :return: a window action (JSON-safe)
        """
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._("Only Inventory users may receive parcels by scan.")
            )
        number = self._tracking_clean_number(tracking_number)
        if "," in number:
            raise UserError(self.env._("Scan one tracking number at a time."))
        parcels = self.env["stock.picking.parcel"].search(
            [("tracking_number", "=", number)]
        )
        pickings = parcels.picking_id | self.search(
            [("carrier_tracking_ref", "=", number)]
        )
        waiting = pickings.filtered(
            lambda p: p._tracking_is_return() and p.state not in ("done", "cancel")
        )
        pickings = waiting or pickings
        if not pickings:
            raise UserError(
                self.env._(
                    "No receipt or delivery has the tracking number %(number)s.",
                    number=number,
                )
            )
        action = {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "name": self.env._("Parcel %(number)s", number=number),
            "context": {"create": False},
        }
        if len(pickings) == 1:
            return {**action, "view_mode": "form", "res_id": pickings.id}
        return {
            **action,
            "view_mode": "list,form",
            "domain": [("id", "in", pickings.ids)],
        }
