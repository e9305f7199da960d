"""Return to sender: the carrier brings an undeliverable parcel back. One
carrier return per parcel (auto-approved, no label: the courier brings it),
received by the warehouse, then a person decides: refund, cancel or re-ship."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .sale_return import APPROVE_GROUP, REFUND_GROUP

RTS_REASON = "sale_order_fulfilment_return.return_reason_carrier"
RTS_ACTIVITY = "sale_order_fulfilment_return.mail_activity_type_return_rts"
RTS_DECISIONS = [
    ("refund", "Refund"),
    ("cancel", "Cancel"),
    ("reship", "Re-ship"),
]


class SaleReturn(models.Model):
    _inherit = "sale.return"  # pylint: disable=consider-merging-classes-inherited

    origin = fields.Selection(
        selection_add=[("carrier", "Carrier (return to sender)")],
        ondelete={"carrier": "cascade"},
    )
    rts_picking_id = fields.Many2one(
        "stock.picking",
        string="Returned Delivery",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The outbound parcel the carrier brings back.",
    )
    rts_decision = fields.Selection(
        RTS_DECISIONS,
        string="Decision",
        readonly=True,
        copy=False,
        tracking=True,
        help="What follows a return to sender: refund a paid order, cancel "
        "(nothing was collected), or re-ship to a corrected address.",
    )
    reship_picking_id = fields.Many2one(
        "stock.picking", string="New Delivery", readonly=True, copy=False
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "rts_picking_uniq",
            "unique(rts_picking_id)",
            "A delivery has one return to sender.",
        ),
    ]

    # ------------------------------------------------------------------
    # The carrier's return status (webhook, poll, a person's entry)
    # ------------------------------------------------------------------

    @api.model
    def _rts_create(self, picking, event):
        """The return to sender of the delivery `picking` (sudo, under its
        tracking lock): the return of everything it delivered, approved, its
        incoming transfer through core's return wizard (carrier kept), linked
        both ways; the order's salesperson told. Nothing when it exists."""
        if picking.rts_return_id:
            return picking.rts_return_id
        reason = self.env.ref(RTS_REASON)
        quantities = {}
        for move in picking.move_ids.filtered(
            lambda m: m.state == "done" and m.sale_line_id
        ):
            sol = move.sale_line_id
            quantities[sol] = quantities.get(
                sol, 0.0
            ) + move.product_uom._compute_quantity(move.quantity, sol.product_uom)
        # What the customer already returns (or asked to) is not counted
        # twice: the one returnable-quantity rule caps each line.
        quantities = {
            sol: min(qty, sol._get_returnable_qty()) for sol, qty in quantities.items()
        }
        quantities = {sol: qty for sol, qty in quantities.items() if qty > 0}
        if not quantities:
            return self.browse()
        with self.env.cr.savepoint():
            ret = self.create(
                {
                    "order_id": picking.sale_id.id,
                    "origin": "carrier",
                    "state": "approved",
                    "rts_picking_id": picking.id,
                    "note": event.description or event.status_code or "",
                    "line_ids": [
                        fields.Command.create(
                            {
                                "sale_line_id": sol.id,
                                "quantity": qty,
                                "reason_id": reason.id,
                            }
                        )
                        for sol, qty in quantities.items()
                    ],
                }
            )
            back = ret._create_return_pickings(picking)
            picking.rts_return_id = ret
        ret.activity_schedule(
            RTS_ACTIVITY,
            note=self.env._(
                "%(carrier)s brings %(picking)s back (%(status)s). Once the "
                "warehouse received %(back)s, decide: refund, cancel or re-ship.",
                carrier=picking.carrier_id.name or "",
                picking=picking.name,
                status=event.status_code or event.shipment_state,
                back=", ".join(back.mapped("name")),
            ),
            user_id=(ret.user_id or self.env.ref("base.user_admin")).id,
        )
        return ret

    def _on_return_picking_done(self):
        """Received: a carrier return waits for a person's decision, never
        refunded by the website's policy alone."""
        carrier = self.filtered(lambda r: r.origin == "carrier")
        for ret in carrier:
            if ret.state == "approved":
                ret.write({"state": "received", "received_date": fields.Datetime.now()})
        return super(SaleReturn, self - carrier)._on_return_picking_done()

    # ------------------------------------------------------------------
    # The decision at receipt
    # ------------------------------------------------------------------

    def action_rts_decide(self, decision, partner_id=False):
        """Decide what follows received returns to sender (XML-RPC: returns
        True): 'refund' (billing: the return's one refund), 'cancel' or
        'reship' to `partner_id` (salespeople; default the order's delivery
        address). A second call with the same decision does nothing new."""
        if decision not in dict(RTS_DECISIONS):
            raise UserError(
                self.env._("Unknown decision %(decision)r.", decision=decision)
            )
        if decision == "refund":
            self._check_group(REFUND_GROUP, self.env._("Refunding a return"))
        else:
            self._check_group(APPROVE_GROUP, self.env._("Deciding a return to sender"))
            self.order_id.check_access("write")
        self.check_access("read")
        partner = self.env["res.partner"].browse(partner_id)
        for ret in self.sudo():
            ret._rts_decide(decision, partner.sudo())
        return True

    def action_refund(self):
        # A return to sender is refunded by its decision (the order leaves
        # "returning"), whichever button or call asks.
        carrier = self.filtered(lambda r: r.origin == "carrier")
        if carrier:
            carrier.action_rts_decide("refund")
        rest = self - carrier
        return super(SaleReturn, rest).action_refund() if rest else True

    def action_open_rts_decide_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.return.rts.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"default_return_id": self.id},
        }

    def _rts_decide(self, decision, partner):
        self.ensure_one()
        self._lock()
        if self.origin != "carrier":
            raise UserError(
                self.env._(
                    "Return %(name)s is a customer's return, not a return to sender.",
                    name=self.name,
                )
            )
        if self.rts_decision == decision:
            return
        if self.rts_decision:
            raise UserError(
                self.env._(
                    "Return %(name)s was already decided: %(decision)s.",
                    name=self.name,
                    decision=dict(RTS_DECISIONS)[self.rts_decision],
                )
            )
        if self.state != "received":
            raise UserError(
                self.env._(
                    "Return %(name)s is %(state)s: decide once the warehouse "
                    "received the parcel.",
                    name=self.name,
                    state=self._state_label(),
                )
            )
        with self.env.cr.savepoint():
            getattr(self, f"_rts_{decision}")(partner)
            self.rts_decision = decision
        self.activity_feedback([RTS_ACTIVITY])

    def _rts_refund(self, _partner):
        self._refund()

    def _rts_cancel(self, _partner):
        """Nothing more is shipped: the order goes to a person (exception),
        the goods are back in stock. Hook for ways of paying that book a
        failed parcel (cash on delivery)."""
        self.order_id._fulfilment_set_exception(UserError(self._rts_cancel_note()))

    def _rts_cancel_note(self):
        return self.env._(
            "Return to sender %(name)s: %(picking)s came back, the order is "
            "not shipped again.",
            name=self.name,
            picking=self.rts_picking_id.name,
        )

    def _rts_reship(self, partner):
        """A new delivery of the returned goods to `partner` (the corrected
        address; default the order's) through the order's procurement, as
        any delivery: its carrier books it."""
        order = self.order_id
        customer = order.partner_id.commercial_partner_id
        if partner and partner.commercial_partner_id != customer:
            raise UserError(
                self.env._(
                    "%(partner)s is not an address of %(customer)s.",
                    partner=partner.display_name,
                    customer=customer.display_name,
                )
            )
        if partner and partner != order.partner_shipping_id:
            order.partner_shipping_id = partner
        before = order.picking_ids
        self.line_ids.sale_line_id._action_launch_stock_rule()
        new = (order.picking_ids - before).filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        if not new:
            raise UserError(
                self.env._(
                    "Return %(name)s: nothing to re-ship (the goods are not back "
                    "in stock, or were delivered again).",
                    name=self.name,
                )
            )
        self.reship_picking_id = new.sorted("id")[:1]
        self.message_post(
            body=self.env._(
                "Re-shipped as %(picking)s to %(partner)s.",
                picking=self.reship_picking_id.name,
                partner=order.partner_shipping_id.display_name,
            )
        )

    def get_return_status(self):
        result = super().get_return_status()
        for values in result:
            ret = self.sudo().browse(values["id"])
            values.update(
                rts_delivery=ret.rts_picking_id.name or "",
                rts_decision=ret.rts_decision or "",
                reship_delivery=ret.reship_picking_id.name or "",
            )
        return result
