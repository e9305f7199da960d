from odoo import api, fields, models

COD_STATES = [
    ("none", "No COD"),
    ("to_collect", "Awaiting COD"),
    ("collected", "Paid (COD), awaiting remittance"),
    ("remitted", "Remitted"),
    ("failed", "Not collected"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    is_cod = fields.Boolean(
        "Cash on Delivery",
        copy=False,
        readonly=True,
        index=True,
        help="The customer chose to pay the courier in cash on delivery.",
    )
    cod_collect_picking_id = fields.Many2one(
        "stock.picking",
        "Delivery Collecting the Cash",
        compute="_compute_cod_collect_picking",
        store=True,
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The delivery whose courier collects this order's cash on "
        "delivery: its label and booking carry the amount, its delivery books "
        "the collection, payouts name it.",
    )
    cod_amount = fields.Monetary(
        "COD Amount",
        compute="_compute_cod_amount",
        store=True,
        help="Cash the courier collects from the customer (the order total, "
        "COD fee included).",
    )
    cod_state = fields.Selection(
        COD_STATES,
        "COD Status",
        default="none",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
    )
    cod_collection_move_id = fields.Many2one(
        "account.move",
        "COD Collection Entry",
        copy=False,
        readonly=True,
        help="The entry that paid the invoice with the courier's COD receivable "
        "when the parcel was delivered.",
    )
    cod_collected_date = fields.Datetime("COD Collected On", copy=False, readonly=True)
    # A COD order is not waiting for an online payment: its courier collects.
    fulfilment_state = fields.Selection(
        selection_add=[("awaiting_cod", "Awaiting Cash on Delivery")],
        ondelete={"awaiting_cod": "set awaiting_payment"},
    )

    @api.depends("is_cod", "amount_total")
    def _compute_cod_amount(self):
        for order in self:
            order.cod_amount = order.amount_total if order.is_cod else 0.0

    # ------------------------------------------------------------------
    # The order model's hooks: the automation's predicate and the state
    # ------------------------------------------------------------------

    @api.model
    def _fulfilment_agreement_depends(self):
        return [*super()._fulfilment_agreement_depends(), "is_cod", "cod_state"]

    def _is_fulfilment_agreed(self):
        """A confirmed COD order: the shop agreed to ship it unpaid, the courier
        collects (and after the collection, to finish its steps). Not once
        the parcel failed (nothing collected: a person decides)."""
        return super()._is_fulfilment_agreed() or (
            self.is_cod
            and self.state == "sale"
            and self.cod_state in ("to_collect", "collected", "remitted")
        )

    @api.model
    def _fulfilment_state_depends(self):
        return [*super()._fulfilment_state_depends(), "is_cod", "cod_state"]

    def _get_fulfilment_payment_state(self):
        # A COD order is not waiting for an online payment: its courier collects.
        state = super()._get_fulfilment_payment_state()
        if state == "awaiting_payment" and self.cod_state == "to_collect":
            return "awaiting_cod"
        return state

    # ------------------------------------------------------------------
    # Which deliveries carry the cash to collect
    # ------------------------------------------------------------------

    def _cod_get_collecting_deliveries(self):
        """Hook, the one decision of which deliveries of these orders carry
        the COD amount to collect (stored as stock.picking.cod_collect, read
        by labels, bookings, the collection step, COD invoicing on delivery,
        carrier events and payouts): of a COD order, its first outgoing
        delivery not cancelled; a backorder carries nothing. Extensions
        (returns to sender) hand it on; list what they read in
        _cod_collect_depends."""
        deliveries = self.env["stock.picking"]
        for order in self.filtered("is_cod"):
            deliveries |= order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
            ).sorted("id")[:1]
        return deliveries

    @api.model
    def _cod_collect_depends(self):
        """sale.order fields _cod_get_collecting_deliveries reads. Decided on
        the order, as core's delivery_status: a picking's change reaches it
        through the picking's sale_id, never by loading order.picking_ids
        while the procurement still creates them (stock.picking fields
        depending on sale_id.picking_ids did, and cached that list in
        creation order: sale_stock's own tests then took the wrong picking)."""
        return ["is_cod", "picking_ids.state", "picking_ids.picking_type_id"]

    @api.depends(lambda self: self._cod_collect_depends())
    def _compute_cod_collect_picking(self):
        for order in self:
            order.cod_collect_picking_id = order._cod_get_collecting_deliveries()[:1]

    # ------------------------------------------------------------------
    # Portal and XML-RPC
    # ------------------------------------------------------------------

    def _get_fulfilment_hold_reason(self, invoice, cancelled):
        if not self.is_cod or self.cod_state != "to_collect":
            return super()._get_fulfilment_hold_reason(invoice, cancelled)
        return self.env._(
            "Invoice %(invoice)s of this cash-on-delivery order was "
            "%(action)s by %(user)s. The automation stops for this "
            "order: click Fulfil when it should invoice and book "
            "the cash again.",
            invoice=invoice.name or invoice.display_name,
            action=self.env._("cancelled")
            if cancelled
            else self.env._("reset to draft"),
            user=self.env.user.name,
        )

    def _get_fulfilment_timeline(self):
        """COD: no "Paid" step before the delivery; paid once the courier
        collected the cash."""
        steps = super()._get_fulfilment_timeline()
        if not self.is_cod:
            return steps
        steps = [step for step in steps if step["step"] != "paid"]
        steps.append(
            {
                "step": "cod_paid",
                "label": self.env._("Paid on delivery"),
                "done": self.cod_state in ("collected", "remitted"),
            }
        )
        return steps

    def _get_fulfilment_status_values(self, internal=True):
        values = super()._get_fulfilment_status_values(internal)
        if self.cod_state in ("collected", "remitted"):
            # paid in cash to the courier: the invoice is settled, nothing due
            values.update(
                paid=True,
                amount_paid=self.cod_amount,
                amount_missing=0.0,
            )
        values.update(
            payment_method=self._cod_payment_method(),
            cod_amount=self.cod_amount if self.cod_state == "to_collect" else 0.0,
            cod_state=self.cod_state or "none",
        )
        return values

    def _cod_payment_method(self):
        """How the customer pays: 'cod', 'online' (a done online payment) or
        'none' yet."""
        self.ensure_one()
        if self.is_cod:
            return "cod"
        if self._get_fulfilment_transactions():
            return "online"
        return "none"
