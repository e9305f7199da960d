"""Return to sender: the carrier brings an undeliverable parcel back. One
carrier return per parcel (auto-approved, no label: the courier brings it),
received by the warehouse, then a person decides: refund, cancel or re-ship."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

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

    def action_rts_decide(self, decision, partner_id=False, carrier_id=False):
        """Decide what follows received returns to sender (XML-RPC: returns
        True): 'refund' (billing: the return's one refund), 'cancel' or
        'reship' (salespeople): a new delivery of what came back, to
        `partner_id` (the corrected address; default the returned
        delivery's) with `carrier_id` (default the returned delivery's). A
        second call with the same decision does nothing new."""
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
        carrier = self.env["delivery.carrier"].browse(carrier_id)
        for ret in self.sudo():
            ret._rts_decide(decision, partner.sudo(), carrier.sudo())
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

    def _rts_decide(self, decision, partner, carrier=None):
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
            if decision == "reship":
                self._rts_reship(partner, carrier)
            else:
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

    def _rts_reship(self, partner, carrier=None):
        """A new delivery of exactly what came back (the return transfers'
        done quantities, not the order's lines) to `partner`, the corrected
        address (default the returned delivery's), as the new delivery's
        own address: the order's delivery address and its invoices stay as
        the customer chose. Made through the sale lines' procurement (routes,
        pick and pack steps as any delivery) in a group of its own, so that
        it is never merged into another open delivery; the carrier is the
        returned delivery's unless `carrier` is given, booked as any delivery
        when it is validated. Once (caller: under the return's lock)."""
        order = self.order_id
        returned = self.rts_picking_id
        partner = partner or returned.partner_id or order.partner_shipping_id
        carrier = carrier or returned.carrier_id
        customer = order.partner_id.commercial_partner_id
        if partner.commercial_partner_id != customer:
            raise UserError(
                self.env._(
                    "%(partner)s is not an address of %(customer)s.",
                    partner=partner.display_name,
                    customer=customer.display_name,
                )
            )
        if carrier.company_id and carrier.company_id != order.company_id:
            raise UserError(
                self.env._(
                    "%(carrier)s is a delivery method of another company.",
                    carrier=carrier.display_name,
                )
            )
        quantities = self._rts_received_quantities()
        if not quantities:
            raise UserError(
                self.env._(
                    "Return %(name)s: nothing to re-ship, no goods came back.",
                    name=self.name,
                )
            )
        # core's own builders (sale_stock), so that modules extending them
        # (routes, kits, inter-company) shape the re-shipment as any delivery
        group = self.env["procurement.group"].create(
            dict(
                next(iter(quantities))._prepare_procurement_group_vals(),
                partner_id=partner.id,
            )
        )
        location = partner.property_stock_customer
        now = fields.Datetime.now()
        procurements = []
        for sol, qty in quantities.items():
            sol = sol.with_company(order.company_id)
            values = sol._prepare_procurement_values(group_id=group)
            values.update(
                partner_id=partner.id,
                location_final_id=location,
                date_planned=now,
                date_deadline=now,
            )
            procurements += [
                procurement._replace(location_id=location)
                for procurement in sol._create_procurements(
                    qty, sol.product_uom, order.name, values
                )
            ]
        self.env["procurement.group"].with_company(order.company_id).run(procurements)
        new = (
            self.env["stock.picking"]
            .search([("group_id", "=", group.id)])
            .filtered(lambda p: p.picking_type_code == "outgoing")
        )
        if len(new) != 1:
            raise UserError(
                self.env._(
                    "Return %(name)s: the routes of its products make no single "
                    "delivery to re-ship.",
                    name=self.name,
                )
            )
        new.write({"partner_id": partner.id, "carrier_id": carrier.id})
        self.reship_picking_id = new
        self.message_post(
            body=self.env._(
                "Re-shipped as %(picking)s to %(partner)s with %(carrier)s.",
                picking=new.name,
                partner=partner.display_name,
                carrier=carrier.name or "-",
            )
        )

    def _rts_received_quantities(self):
        """{sale line: quantity in its unit}: what the warehouse received back
        on the return's transfers."""
        quantities = {}
        for move in self.return_picking_ids.move_ids:
            sol = move.sale_line_id or move.origin_returned_move_id.sale_line_id
            if move.state != "done" or not sol or move.product_id != sol.product_id:
                continue
            quantities[sol] = quantities.get(
                sol, 0.0
            ) + move.product_uom._compute_quantity(move.quantity, sol.product_uom)
        return {
            sol: qty
            for sol, qty in quantities.items()
            if float_compare(qty, 0.0, precision_rounding=sol.product_uom.rounding) > 0
        }

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
