import logging

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare
from odoo.tools.misc import format_amount
from psycopg2 import errors as pg_errors

_logger = logging.getLogger(__name__)

RETURN_STATES = [
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("received", "Received"),
    ("refunded", "Refunded"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
REFUND_STATES = [
    ("none", "Not Refunded"),
    ("provider", "Refund Requested"),
    ("manual", "To Pay Back"),
    ("done", "Refunded"),
]
# Who approves and refuses: who may edit the order in core.
APPROVE_GROUP = "sales_team.group_sale_salesman"
# Who refunds by hand: who makes credit notes in core.
REFUND_GROUP = "account.group_account_invoice"
REFUND_ACTIVITY = "sale_order_fulfilment_return.mail_activity_type_return_refund"
LABEL_ACTIVITY = "sale_order_fulfilment_return.mail_activity_type_return_label"
# Context key: the payment refund being requested is a return's (id).
RETURN_REFUND_KEY = "sale_return_refund_id"
LOCK_ERRORS = (pg_errors.LockNotAvailable, pg_errors.SerializationFailure)


class SaleReturn(models.Model):
    _name = "sale.return"
    _description = "Customer Return"
    _inherit = ["mail.thread", "mail.activity.mixin"]  # noqa: RUF012
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    website_id = fields.Many2one(related="order_id.website_id", store=True)
    user_id = fields.Many2one(
        related="order_id.user_id", string="Salesperson", store=True, index=True
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    origin = fields.Selection(
        [("customer", "Customer")],
        required=True,
        default="customer",
        readonly=True,
        help="Who sent the goods back: the customer (a return request).",
    )
    state = fields.Selection(
        RETURN_STATES,
        required=True,
        default="requested",
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    line_ids = fields.One2many("sale.return.line", "return_id", readonly=True)
    note = fields.Text(readonly=True, help="The customer's words.")
    photo_id = fields.Many2one("ir.attachment", readonly=True, copy=False)
    refuse_reason = fields.Text(readonly=True, tracking=True, copy=False)
    return_picking_ids = fields.One2many(
        "stock.picking", "sale_return_id", string="Return Transfers", readonly=True
    )
    return_picking_id = fields.Many2one(
        "stock.picking",
        string="Return Transfer",
        compute="_compute_return_picking_id",
        help="The (first) incoming transfer of the goods coming back.",
    )
    received_date = fields.Datetime(readonly=True, copy=False)
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True)
    refund_move_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True, copy=False
    )
    refund_transaction_ids = fields.One2many(
        "payment.transaction", "sale_return_id", readonly=True
    )
    refund_state = fields.Selection(
        REFUND_STATES,
        compute="_compute_refund_state",
        store=True,
        compute_sudo=True,
        tracking=True,
        help="Refund Requested: the payment provider was asked to pay back. To "
        "Pay Back: a person pays the credit note back (bank transfer).",
    )

    _sql_constraints = [  # noqa: RUF012
        ("name_uniq", "unique(name, company_id)", "Return references are unique."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("sale.return")
        return super().create(vals_list)

    def _compute_return_picking_id(self):
        for ret in self:
            ret.return_picking_id = ret.return_picking_ids.sorted("id")[:1]

    @api.depends("line_ids.quantity", "line_ids.sale_line_id")
    def _compute_amount_total(self):
        for ret in self:
            ret.amount_total = sum(line._get_amount() for line in ret.line_ids)

    @api.depends(
        "refund_move_id.payment_state",
        "refund_transaction_ids.state",
    )
    def _compute_refund_state(self):
        for ret in self:
            move = ret.refund_move_id
            if not move:
                ret.refund_state = "none"
            elif move.payment_state in ("paid", "in_payment", "reversed"):
                ret.refund_state = "done"
            elif ret.refund_transaction_ids.filtered(
                lambda tx: tx.state not in ("cancel", "error")
            ):
                ret.refund_state = "provider"
            else:
                ret.refund_state = "manual"

    # ------------------------------------------------------------------
    # Request
    # ------------------------------------------------------------------

    @api.model
    def _request(self, order, lines, note=None, photo=None):
        """Create the return of `order` (sudo) for `lines`: dicts with
        sale_line_id, quantity and reason_id, checked against the one quantity
        rule (sale.order.line._get_returnable_qty) under a lock of the order,
        the website's reasons and its return window. `photo`: (file name,
        bytes). Auto-approved when every reason allows it and the amount is
        within the website's limit. Raises a UserError naming what is wrong."""
        order = order.sudo()
        order._return_lock()
        order._check_return_window()
        clean = self._check_request_lines(order, lines)
        ret = self.sudo().create(
            {
                "order_id": order.id,
                "note": (note or "").strip() or False,
                "line_ids": [Command.create(vals) for vals in clean],
            }
        )
        ret.message_subscribe(partner_ids=order.partner_id.ids)
        if photo:
            filename, data = photo
            ret.photo_id = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": filename or "photo",
                        "raw": data,
                        "res_model": self._name,
                        "res_id": ret.id,
                    }
                )
            )
        if ret._may_auto_approve():
            ret._approve()
        return ret

    @api.model
    def _check_request_lines(self, order, lines):
        if not lines:
            raise UserError(self.env._("Choose at least one product to return."))
        reasons = self.env["sale.return.reason"]._get_website_reasons(order.website_id)
        asked = {}
        clean = []
        for values in lines:
            try:
                line_id = int(values.get("sale_line_id") or 0)
                quantity = float(values.get("quantity") or 0.0)
                reason_id = int(values.get("reason_id") or 0)
            except (TypeError, ValueError) as error:
                raise UserError(
                    self.env._("A return line is malformed: %(line)s", line=values)
                ) from error
            line = order.order_line.filtered(lambda sol, lid=line_id: sol.id == lid)
            if not line:
                raise UserError(
                    self.env._(
                        "Line %(line)s is not a line of order %(order)s.",
                        line=line_id,
                        order=order.name,
                    )
                )
            if quantity <= 0:
                raise UserError(
                    self.env._(
                        "The quantity to return of %(product)s must be positive.",
                        product=line.product_id.display_name,
                    )
                )
            if reason_id not in reasons.ids:
                raise UserError(
                    self.env._(
                        "Choose a return reason for %(product)s.",
                        product=line.product_id.display_name,
                    )
                )
            asked[line] = asked.get(line, 0.0) + quantity
            clean.append(
                {"sale_line_id": line.id, "quantity": quantity, "reason_id": reason_id}
            )
        self._check_returnable(asked)
        return clean

    @api.model
    def _check_returnable(self, asked, exclude=None):
        """`asked`: sale.order.line -> quantity, within the one rule."""
        for line, quantity in asked.items():
            returnable = line._get_returnable_qty(exclude=exclude)
            if (
                float_compare(
                    quantity, returnable, precision_rounding=line.product_uom.rounding
                )
                > 0
            ):
                if not returnable:
                    raise UserError(
                        self.env._(
                            "%(product)s cannot be returned: it was not delivered, "
                            "or is already returned or asked for in another return.",
                            product=line.product_id.display_name,
                        )
                    )
                raise UserError(
                    self.env._(
                        "At most %(qty)s of %(product)s can be returned (delivered, "
                        "minus what is returned or asked for already).",
                        qty=returnable,
                        product=line.product_id.display_name,
                    )
                )

    def _may_auto_approve(self):
        self.ensure_one()
        limit = self.website_id.return_auto_approve_amount
        return (
            self.state == "requested"
            and limit > 0
            and all(self.line_ids.reason_id.mapped("auto_approve"))
            and self.currency_id.compare_amounts(self.amount_total, limit) <= 0
        )

    # ------------------------------------------------------------------
    # Staff actions (buttons, XML-RPC)
    # ------------------------------------------------------------------

    def _check_group(self, group, what):
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "%(what)s needs %(group)s rights.",
                    what=what,
                    group=self.env.ref(group).sudo().full_name,
                )
            )

    def action_approve(self):
        """Approve requested returns (salespeople on the orders they may
        edit): the return transfer through core's return wizard with the
        delivery's carrier, the carrier's return label when it makes them,
        the customer's mail. A second call does nothing new. Returns True."""
        self._check_group(APPROVE_GROUP, self.env._("Approving a return"))
        self.check_access("write")
        self.order_id.check_access("write")
        for ret in self.sudo():
            ret._approve()
        return True

    def action_refuse(self, reason=None):
        """Refuse requested returns with `reason` (mailed to the customer)."""
        self._check_group(APPROVE_GROUP, self.env._("Refusing a return"))
        self.check_access("write")
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the return is refused."))
        for ret in self.sudo():
            ret._lock()
            if ret.state == "refused":
                continue
            if ret.state != "requested":
                raise UserError(
                    self.env._(
                        "Return %(name)s is %(state)s: only a requested return can "
                        "be refused.",
                        name=ret.name,
                        state=ret._state_label(),
                    )
                )
            ret.write({"state": "refused", "refuse_reason": reason})
            ret._send_mail("sale_order_fulfilment_return.mail_template_return_refused")
        return True

    def action_open_refuse_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.return.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_return_id": self.id},
        }

    def action_cancel(self):
        """Cancel returns not approved yet (the customer changed their mind)."""
        self._check_group(APPROVE_GROUP, self.env._("Cancelling a return"))
        self.check_access("write")
        for ret in self.sudo():
            ret._lock()
            if ret.state not in ("requested", "cancelled"):
                raise UserError(
                    self.env._(
                        "Return %(name)s is %(state)s: only a requested return can "
                        "be cancelled.",
                        name=ret.name,
                        state=ret._state_label(),
                    )
                )
            ret.state = "cancelled"
        return True

    def action_refund(self):
        """Refund approved or received returns now (billing): the credit note
        and the money, once whatever the clicks. Returns True."""
        self._check_group(REFUND_GROUP, self.env._("Refunding a return"))
        self.check_access("read")
        for ret in self.sudo():
            ret._refund()
        return True

    def get_return_status(self):
        """JSON-safe state of the returns (XML-RPC: no None)."""
        self.check_access("read")
        labels = dict(self._fields["state"]._description_selection(self.env))
        refund_labels = dict(
            self._fields["refund_state"]._description_selection(self.env)
        )
        result = []
        for ret in self.sudo():
            pickings = ret.return_picking_ids
            result.append(
                {
                    "id": ret.id,
                    "name": ret.name,
                    "order_id": ret.order_id.id,
                    "order": ret.order_id.name,
                    "origin": ret.origin,
                    "state": ret.state,
                    "state_label": labels[ret.state],
                    "refund_state": ret.refund_state,
                    "refund_state_label": refund_labels[ret.refund_state],
                    "refuse_reason": ret.refuse_reason or "",
                    "amount_total": ret.amount_total,
                    "currency": ret.currency_id.name,
                    "credit_note": ret.refund_move_id.name or "",
                    "return_pickings": pickings.mapped("name"),
                    "tracking_numbers": [
                        ref for ref in pickings.mapped("carrier_tracking_ref") if ref
                    ],
                    "has_label": bool(ret._get_portal_labels()),
                    "lines": [
                        {
                            "sale_line_id": line.sale_line_id.id,
                            "product": line.product_id.display_name,
                            "quantity": line.quantity,
                            "qty_received": line.qty_received,
                            "reason": line.reason_id.name,
                            "reason_code": line.reason_id.code,
                        }
                        for line in ret.line_ids
                    ],
                }
            )
        return result

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _lock(self):
        """Lock the return's row (NOWAIT): two workers or clicks never
        approve or refund it both; the second gets a clear error."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM sale_return WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    [self.id],
                )
        except LOCK_ERRORS as error:
            raise UserError(
                self.env._(
                    "Return %(name)s is being processed by another user, try again "
                    "in a moment.",
                    name=self.name,
                )
            ) from error
        self.invalidate_recordset()

    def _approve(self):
        """Approve the return (sudo, checked by the caller); idempotent."""
        self.ensure_one()
        self._lock()
        if self.state in ("approved", "received", "refunded"):
            return
        if self.state != "requested":
            raise UserError(
                self.env._(
                    "Return %(name)s is %(state)s: only a requested return can be "
                    "approved.",
                    name=self.name,
                    state=self._state_label(),
                )
            )
        # Nothing half-written: the quantities re-checked under the order's
        # lock, the transfers and the state in one savepoint.
        with self.env.cr.savepoint():
            self.order_id._return_lock()
            asked = {}
            for line in self.line_ids:
                asked[line.sale_line_id] = (
                    asked.get(line.sale_line_id, 0.0) + line.quantity
                )
            self._check_returnable(asked, exclude=self)
            pickings = self._create_return_pickings()
            self.write({"state": "approved"})
        for picking in pickings:
            self._make_return_label(picking)
        self._send_mail("sale_order_fulfilment_return.mail_template_return_approved")
        if self.website_id.return_refund_on == "approval":
            self._refund_or_activity()

    def _create_return_pickings(self, deliveries=None):
        """One return per delivery the goods left with (of `deliveries`
        only, when given), through core's return wizard (its carrier kept:
        see stock.return.picking._reset_carrier_id)."""
        self.ensure_one()
        todo = {}
        for line in self.line_ids:
            remaining = line.quantity
            moves = line.sale_line_id.move_ids.filtered(
                lambda m: (
                    m.state == "done"
                    and m.picking_code == "outgoing"
                    and (deliveries is None or m.picking_id in deliveries)
                )
            )
            for move in moves.sorted("id", reverse=True):
                if remaining <= 0:
                    break
                returned = sum(
                    move.returned_move_ids.filtered(
                        lambda m: m.state != "cancel"
                    ).mapped("product_uom_qty")
                )
                free = move.product_uom._compute_quantity(
                    move.quantity - returned, move.product_id.uom_id
                )
                take = min(
                    free,
                    line.sale_line_id.product_uom._compute_quantity(
                        remaining, move.product_id.uom_id
                    ),
                )
                if take <= 0:
                    continue
                todo.setdefault(move.picking_id, {}).setdefault(move, 0.0)
                todo[move.picking_id][move] += take
                remaining -= move.product_id.uom_id._compute_quantity(
                    take, line.sale_line_id.product_uom
                )
        pickings = self.env["stock.picking"]
        for picking, moves in todo.items():
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({"picking_id": picking.id})
            )
            for return_line in wizard.product_return_moves:
                return_line.quantity = moves.get(return_line.move_id, 0.0)
            new_picking = wizard.with_context(
                sale_return_keep_carrier=True
            )._create_return()
            new_picking.write({"sale_return_id": self.id, "origin": self.name})
            pickings |= new_picking
        if not pickings:
            raise UserError(
                self.env._(
                    "Return %(name)s: no delivered goods left to return.",
                    name=self.name,
                )
            )
        return pickings

    def _make_return_label(self, picking):
        """The carrier's return label through core's contract, in a savepoint:
        a failure leaves the return approved, with an activity for a person."""
        carrier = picking.carrier_id
        if not carrier.can_generate_return:
            return
        try:
            with self.env.cr.savepoint():
                # core's return_label_ids is computed without dependencies:
                # read after the provider's attachments (core gives them their
                # portal tokens), not from an earlier read.
                picking.invalidate_recordset(["return_label_ids"])
                carrier.get_return_label(picking)
        except Exception as error:  # pylint: disable=broad-except
            _logger.warning("Return label of %s failed", picking.name, exc_info=True)
            self.activity_schedule(
                LABEL_ACTIVITY,
                note=self.env._(
                    "The return label of %(picking)s could not be made by "
                    "%(carrier)s: %(error)s. Make it from the transfer (Print Return "
                    "Label) and send it to the customer.",
                    picking=picking.name,
                    carrier=carrier.name,
                    error=error,
                ),
                user_id=(self.user_id or self.env.user).id,
            )

    def _get_portal_labels(self):
        """Return labels the customer may download (core's
        get_return_label_from_portal)."""
        self.ensure_one()
        return self.return_picking_ids.filtered(
            lambda p: p.carrier_id.get_return_label_from_portal
        ).return_label_ids

    def _send_mail(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template or not self.partner_id.email:
            return
        labels = self._get_portal_labels() if self.state == "approved" else []
        self.message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            attachment_ids=[Command.link(a) for a in (labels.ids if labels else [])],
        )

    # ------------------------------------------------------------------
    # Receipt
    # ------------------------------------------------------------------

    def _on_return_picking_done(self):
        """The warehouse validated a return transfer (sudo): the goods are
        back; refund now when the website refunds at receipt."""
        for ret in self:
            if ret.state not in ("approved", "refunded") or ret.received_date:
                continue
            values = {"received_date": fields.Datetime.now()}
            if ret.state == "approved":
                values["state"] = "received"
            ret.write(values)
            if ret.website_id.return_refund_on == "receipt":
                ret._refund_or_activity()

    # ------------------------------------------------------------------
    # Refund
    # ------------------------------------------------------------------

    def _refund_or_activity(self):
        """An automatic refund: its failure must not undo what triggered it
        (an approval, a receipt); it goes to a person instead."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._refund()
        except Exception as error:  # pylint: disable=broad-except
            _logger.warning("Refund of return %s failed", self.name, exc_info=True)
            self.activity_schedule(
                REFUND_ACTIVITY,
                note=self.env._(
                    "The refund of return %(name)s failed: %(error)s. Fix it and "
                    "click Refund.",
                    name=self.name,
                    error=error,
                ),
                user_id=self._get_refund_user().id,
            )

    def _refund(self):
        """The one refund of a return (sudo): credit note for the returned
        quantities (shipping per the website's policy), posted and reconciled
        with the order's open invoices; what is left to pay back goes through
        the payment provider when it refunds, else to a billing person
        (activity with the customer's bank accounts). Under the return's row
        lock and guarded by its credit note: never twice."""
        self.ensure_one()
        self._lock()
        if self.refund_move_id:
            return
        if self.state not in ("approved", "received"):
            raise UserError(
                self.env._(
                    "Return %(name)s is %(state)s: only an approved or received "
                    "return can be refunded.",
                    name=self.name,
                    state=self._state_label(),
                )
            )
        if not self.order_id._get_fulfilment_invoices():
            raise UserError(
                self.env._(
                    "Order %(order)s has no posted invoice to credit: invoice it "
                    "first, then refund return %(name)s.",
                    order=self.order_id.name,
                    name=self.name,
                )
            )
        with self.env.cr.savepoint():
            move = self._create_credit_note()
            self.write({"refund_move_id": move.id, "state": "refunded"})
            self._pay_back(move)

    def _create_credit_note(self):
        order = self.order_id.with_company(self.company_id)
        line_vals = [
            line.sale_line_id._prepare_invoice_line(quantity=line.quantity)
            for line in self.line_ids
        ]
        if self._refunds_shipping():
            line_vals += [
                sol._prepare_invoice_line(quantity=sol.qty_invoiced)
                for sol in order.order_line.filtered(
                    lambda sol: sol.is_delivery and sol.qty_invoiced > 0
                )
            ]
        values = order._prepare_invoice()
        # Linked to the order's payments, core's posting would match the
        # credit note with them (both are credits): the refund matches below.
        values.pop("transaction_ids", None)
        values.update(
            {
                "move_type": "out_refund",
                "ref": self.name,
                "invoice_line_ids": [Command.create(vals) for vals in line_vals],
            }
        )
        move = self.env["account.move"].with_company(self.company_id).create(values)
        move.action_post()
        # What the credit note credits is matched with what the order's
        # invoices still owe (the one matching rule).
        (
            move.line_ids | order._get_fulfilment_invoices().line_ids
        )._fulfilment_reconcile_open()
        return move

    def _refunds_shipping(self):
        """Shipping is credited when the website's policy says so and the
        whole order comes back."""
        self.ensure_one()
        if self.website_id.return_refund_shipping != "full":
            return False
        goods = self.order_id.order_line.filtered(
            lambda sol: sol._is_returnable_goods()
        )
        returned = {}
        for line in self.order_id.return_ids.filtered(
            lambda r: r.state in ("approved", "received", "refunded")
        ).line_ids:
            returned[line.sale_line_id] = returned.get(line.sale_line_id, 0.0) + (
                line.quantity
            )
        return all(
            float_compare(
                returned.get(sol, 0.0),
                sol.product_uom_qty,
                precision_rounding=sol.product_uom.rounding,
            )
            >= 0
            for sol in goods
        )

    def _pay_back(self, move):
        """What the credit note still owes the customer goes back through the
        order's payment provider when it refunds (core's refund request), else
        to a billing person (never the courier for cash on delivery)."""
        amount = move.amount_residual
        if move.currency_id.is_zero(amount):
            return
        tx = self.order_id._get_fulfilment_transactions()._get_fulfilment_refund_source(
            amount, move.currency_id
        )
        if tx:
            tx.with_context(**{RETURN_REFUND_KEY: self.id}).action_refund(
                amount_to_refund=amount
            )
            return
        self._schedule_manual_refund(move, amount)

    def _schedule_manual_refund(self, move, amount):
        banks = self.partner_id.commercial_partner_id.bank_ids
        bank_text = (
            "; ".join(
                f"{bank.bank_id.name or ''} {bank.acc_number}"
                f" ({bank.acc_holder_name or bank.partner_id.name})".strip()
                for bank in banks
            )
            if banks
            else self.env._("none on file: ask the customer")
        )
        move.activity_schedule(
            REFUND_ACTIVITY,
            note=self.env._(
                "Pay %(amount)s back to %(customer)s by bank transfer for return "
                "%(name)s (order %(order)s), then register the payment on this "
                "credit note. Bank accounts: %(banks)s.",
                amount=format_amount(self.env, amount, move.currency_id),
                customer=self.partner_id.display_name,
                name=self.name,
                order=self.order_id.name,
                banks=bank_text,
            ),
            user_id=self._get_refund_user().id,
        )

    def _get_refund_user(self):
        return (
            self.website_id.return_refund_user_id
            or self.user_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env.user
        )
