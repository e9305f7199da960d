import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools.misc import format_amount
from psycopg2 import errors as pg_errors

from .account_move import SKIP_HOLD

_logger = logging.getLogger(__name__)

FULFILMENT_STATES = [
    ("awaiting_payment", "Awaiting Payment"),
    ("paid", "Paid"),
    ("invoiced", "Invoiced"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("exception", "Exception"),
]
EXCEPTION_ACTIVITY = "sale_order_fulfilment.mail_activity_type_fulfilment_exception"
# Another worker changed or holds the same rows: not a fulfilment problem, the
# order is simply left to that worker (or to the next run).
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)
# Who may click Fulfil: who creates invoices from orders in core (salespeople,
# through the invoicing wizard) or invoices at all (billing).
FULFIL_GROUPS = ("sales_team.group_sale_salesman", "account.group_account_invoice")
# The transactions of an order as deep as core makes them: partial captures of a
# payment and refunds of those captures.
TX_DEPTH = ("transaction_ids", "child_transaction_ids", "child_transaction_ids")
TX_PATHS = [".".join(TX_DEPTH[: depth + 1]) for depth in range(len(TX_DEPTH))]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    fulfilment_state = fields.Selection(
        FULFILMENT_STATES,
        compute="_compute_fulfilment_state",
        store=True,
        index=True,
        copy=False,
        tracking=True,
        help="Awaiting Payment → Paid → Invoiced → Shipped → Delivered. Exception "
        "when the fulfilment automation failed: see the reason, fix it and click "
        "Fulfil. Empty for cancelled orders.",
    )
    # Stored apart from the state so that an exception survives recomputes
    # until a successful run clears it.
    fulfilment_exception = fields.Boolean(copy=False, readonly=True)
    # Internal: may hold a Python error text. Customers get a neutral sentence.
    fulfilment_exception_reason = fields.Text(
        copy=False, readonly=True, groups="base.group_user"
    )
    # Stored so that the batch can search it; _is_fulfilment_paid decides.
    fulfilment_paid = fields.Boolean(
        string="Fully Paid Online",
        compute="_compute_fulfilment_paid",
        store=True,
        copy=False,
        help="Confirmed, and the done online payments (refunds deducted) cover the "
        "order total. Only fully paid orders are invoiced and shipped by the "
        "fulfilment automation.",
    )
    # Transactions are readable by billing users only: computed as superuser,
    # they only give amounts of the order's own payments.
    fulfilment_amount_paid = fields.Monetary(
        string="Paid Online",
        compute="_compute_fulfilment_amounts",
        compute_sudo=True,
        help="Done online payments of the order, refunds deducted.",
    )
    fulfilment_amount_missing = fields.Monetary(
        string="Still to Pay",
        compute="_compute_fulfilment_amounts",
        compute_sudo=True,
        help="What the online payments still have to cover before the order is "
        "invoiced and shipped by the fulfilment automation.",
    )
    fulfilment_payment_ids = fields.Many2many(
        "account.payment",
        string="Order Payments",
        compute="_compute_fulfilment_payment_ids",
        compute_sudo=True,
    )
    fulfilment_payment_count = fields.Integer(
        compute="_compute_fulfilment_payment_ids", compute_sudo=True
    )

    @api.depends(
        "state",
        "amount_total",
        "currency_id",
        *(f"{path}.{field}" for path in TX_PATHS for field in ("state", "amount")),
    )
    def _compute_fulfilment_paid(self):
        for order in self:
            order.fulfilment_paid = order._is_fulfilment_paid()

    @api.depends(
        "amount_total",
        "currency_id",
        *(f"{path}.{field}" for path in TX_PATHS for field in ("state", "amount")),
    )
    def _compute_fulfilment_amounts(self):
        for order in self:
            paid = order._get_fulfilment_amount_paid()
            order.fulfilment_amount_paid = paid
            order.fulfilment_amount_missing = max(
                order.currency_id.round(order.amount_total - paid), 0.0
            )

    @api.depends(
        "state",
        "fulfilment_exception",
        "fulfilment_paid",
        "order_line.invoice_lines.move_id.state",
        "picking_ids.state",
        "picking_ids.carrier_id",
    )
    def _compute_fulfilment_state(self):
        for order in self:
            order.fulfilment_state = order._get_fulfilment_state()

    def _get_fulfilment_state(self):
        self.ensure_one()
        if self.fulfilment_exception and self.state != "cancel":
            return "exception"
        return self._get_fulfilment_progress()

    def _get_fulfilment_progress(self):
        """Furthest step reached, whatever an exception says (False if cancelled)."""
        self.ensure_one()
        if self.state == "cancel":
            return False
        deliveries = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        shipping = [p._get_fulfilment_shipping_state() for p in deliveries]
        if shipping and all(s == "delivered" for s in shipping):
            return "delivered"
        if shipping and all(shipping):
            return "shipped"
        if any(
            m.move_type == "out_invoice" and m.state == "posted"
            for m in self.invoice_ids
        ):
            return "invoiced"
        if self._is_fulfilment_paid():
            return "paid"
        return "awaiting_payment"

    def _is_fulfilment_paid(self):
        """The one place deciding whether the automation may invoice and ship:
        the order is confirmed, was paid online and its done online payments,
        refunds deducted, cover its total (within the currency's rounding). A
        down payment that confirmed the order is not enough."""
        self.ensure_one()
        return (
            self.state == "sale"
            and bool(self._get_fulfilment_transactions())
            and self.currency_id.compare_amounts(
                self._get_fulfilment_amount_paid(), self.amount_total
            )
            >= 0
        )

    def _get_fulfilment_amount_paid(self):
        """Done online payments of the order in its currency: captures of partial
        captures (not their source), refunds deducted (negative amounts)."""
        self.ensure_one()
        total = 0.0
        for tx in self._get_fulfilment_transactions():
            amount = tx.amount
            if tx.currency_id != self.currency_id:
                amount = tx.currency_id._convert(
                    amount,
                    self.currency_id,
                    self.company_id,
                    (tx.last_state_change or fields.Datetime.now()).date(),
                )
            total += amount
        return self.currency_id.round(total)

    def _get_fulfilment_timeline(self):
        """Steps shown to the customer on the portal, in order, with done flags."""
        self.ensure_one()
        steps = [key for key, _label in FULFILMENT_STATES[1:5]]
        labels = dict(self._fields["fulfilment_state"]._description_selection(self.env))
        progress = self._get_fulfilment_progress()
        reached = steps.index(progress) if progress in steps else -1
        # An invoice (e.g. core's down payment invoice) does not make it paid.
        return [
            {
                "step": step,
                "label": labels[step],
                "done": self.fulfilment_paid if step == "paid" else index <= reached,
            }
            for index, step in enumerate(steps)
        ]

    @api.depends(
        *(f"{path}.payment_id" for path in TX_PATHS),
        "order_line.invoice_lines.move_id.line_ids.matched_credit_ids",
    )
    def _compute_fulfilment_payment_ids(self):
        for order in self:
            payments = order._get_fulfilment_transactions().payment_id
            payments |= order.invoice_ids._get_reconciled_payments()
            order.fulfilment_payment_ids = payments
            order.fulfilment_payment_count = len(payments)

    # ------------------------------------------------------------------
    # Payments of an order
    # ------------------------------------------------------------------

    def _get_fulfilment_transactions(self):
        """Done transactions of the orders that moved money: payments, captures of
        partial captures (their source only held the authorization) and refunds.

        Read as superuser: transactions are readable by billing users only, and
        these are the orders' own ones (callers check access to the orders)."""
        txs = self.sudo().transaction_ids
        txs |= txs.child_transaction_ids
        txs |= txs.child_transaction_ids
        return txs.filtered(
            lambda tx: (
                tx.state == "done"
                and tx.operation != "validation"
                and not tx.child_transaction_ids.filtered(
                    lambda child: (
                        child.operation != "refund"
                        and child.state in ("done", "cancel")
                    )
                )
            )
        )

    def _get_fulfilment_payment_lines(self):
        """Open receivable lines of the posted payments of the orders' transactions."""
        payments = self._get_fulfilment_transactions().payment_id.filtered(
            lambda p: p.state in ("in_process", "paid")
        )
        return payments.move_id.line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and line.parent_state == "posted"
                and not line.reconciled
                and line.balance < 0
            )
        )

    # ------------------------------------------------------------------
    # Public API (buttons, XML-RPC)
    # ------------------------------------------------------------------

    def action_fulfil(self):
        """Run the fulfilment steps still missing on paid orders (invoice, post,
        reconcile, email, delivery as configured); a second call does nothing new.

        Allowed to whoever creates invoices from orders in core: salespeople (on
        the orders they may edit) and billing users. Raises an AccessError for
        others, a UserError naming the orders that are not fully paid yet (with
        what is missing) or that another user is processing. Returns True.
        """
        self._check_fulfil_access()
        unpaid = self.filtered(lambda o: not o._is_fulfilment_paid())
        if unpaid:
            raise UserError(
                self.env._(
                    "These orders are not paid yet: %(orders)s",
                    orders=", ".join(
                        f"{order.name} ({order._get_fulfilment_unpaid_note()})"
                        for order in unpaid
                    ),
                )
            )
        # Past the access check, Fulfil runs the shop's automation for these
        # orders with the automation's rights (as the payment and the batch do):
        # posting, reconciling and validating the delivery need billing and
        # inventory rights a salesperson does not have.
        orders = self.sudo()
        busy = orders - orders._fulfilment_lock()
        if busy:
            raise UserError(
                self.env._(
                    "These orders are being fulfilled by another process, try "
                    "again in a moment: %(orders)s",
                    orders=", ".join(busy.mapped("name")),
                )
            )
        orders._fulfil_steps("manual")
        orders._fulfilment_clear_exception()
        return True

    def _get_fulfilment_unpaid_note(self):
        """Why the order is not paid for the automation, for the person."""
        self.ensure_one()
        if self.state != "sale":
            return self.env._("not confirmed")
        if self.fulfilment_amount_missing > 0:
            return self.env._(
                "%(missing)s still to pay",
                missing=format_amount(
                    self.env, self.fulfilment_amount_missing, self.currency_id
                ),
            )
        return self.env._("no online payment")

    def _check_fulfil_access(self):
        self.check_access("write")
        if not self.env.su and not any(
            self.env.user.has_group(group) for group in FULFIL_GROUPS
        ):
            raise AccessError(
                self.env._(
                    "Fulfil creates and posts invoices: it needs Sales or "
                    "Accounting / Billing rights. Ask a salesperson or an "
                    "accountant to fulfil %(orders)s.",
                    orders=", ".join(self.mapped("name")),
                )
            )

    def get_fulfilment_status(self):
        """Fulfilment status of the orders, JSON/XML-RPC safe (no None), for
        whoever may read the orders. The exception reason is internal: portal
        users get a neutral sentence instead."""
        self.check_access("read")
        internal = self.env.user._is_internal()
        # The order's own invoices, payments and deliveries are summarised as on
        # its form and portal page, also for users who cannot open them
        # (payments need billing rights, invoices are not readable by the
        # warehouse); access to the orders was checked above.
        return [order.sudo()._get_fulfilment_status_values(internal) for order in self]

    def _get_fulfilment_status_values(self, internal=True):
        self.ensure_one()
        invoices = self.invoice_ids.filtered(lambda m: m.state != "cancel")
        deliveries = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        if not self.fulfilment_exception:
            reason = ""
        elif internal:
            reason = self.fulfilment_exception_reason or ""
        else:
            reason = self._get_fulfilment_customer_exception_note()
        return {
            "id": self.id,
            "name": self.name,
            "state": self.fulfilment_state or "",
            "state_label": dict(
                self._fields["fulfilment_state"]._description_selection(self.env)
            ).get(self.fulfilment_state, ""),
            "exception_reason": reason,
            "paid": self._is_fulfilment_paid(),
            "amount_total": self.amount_total,
            "amount_paid": self.fulfilment_amount_paid,
            "amount_missing": self.fulfilment_amount_missing,
            "currency": self.currency_id.name,
            "invoices": [
                {
                    "id": inv.id,
                    "name": inv.name or "",
                    "move_type": inv.move_type,
                    "state": inv.state,
                    "payment_state": inv.payment_state or "",
                    "amount_total": inv.amount_total,
                    "amount_residual": inv.amount_residual,
                }
                for inv in invoices
            ],
            "payments": [
                {
                    "id": pay.id,
                    "name": pay.name or "",
                    "amount": pay.amount,
                    "state": pay.state,
                    "transaction": pay.payment_transaction_id.reference or "",
                }
                for pay in self.fulfilment_payment_ids
            ],
            "deliveries": [
                {
                    "id": picking.id,
                    "name": picking.name,
                    "state": picking.state,
                    "shipping_state": picking.state != "cancel"
                    and picking._get_fulfilment_shipping_state()
                    or "",
                }
                for picking in deliveries
            ],
        }

    def _get_fulfilment_customer_exception_note(self):
        """What the customer reads while the shop handles a fulfilment exception."""
        return self.env._("We are looking into your order.")

    def action_view_fulfilment_payments(self):
        self.ensure_one()
        return self.fulfilment_payment_ids._get_fulfilment_payments_action()

    # ------------------------------------------------------------------
    # Automation
    # ------------------------------------------------------------------

    @api.model
    def _get_fulfilment_todo_domain(self):
        """Fully paid orders (see _is_fulfilment_paid), not in exception, with a
        step the automation can do now: to invoice or to deliver, or invoiced
        with a payment that came after the invoice (a second transaction, or one
        post-processed while another worker held the order) and is still to
        reconcile."""
        open_payment_line = [
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("balance", "<", 0),
        ]
        open_payment = [
            ("state", "=", "done"),
            ("payment_id.move_id.line_ids", "any", open_payment_line),
        ]
        to_invoice = [
            ("company_id.fulfilment_auto_invoice", "=", True),
            ("invoice_status", "=", "to invoice"),
            "!",
            ("order_line.invoice_lines.move_id.move_type", "=", "out_refund"),
        ]
        # what _fulfilment_validate_deliveries can validate: one-step deliveries
        to_deliver = [
            ("website_id.fulfilment_auto_validate_delivery", "=", True),
            (
                "picking_ids",
                "any",
                [
                    ("picking_type_code", "=", "outgoing"),
                    ("state", "=", "assigned"),
                    ("move_ids.move_orig_ids", "=", False),
                ],
            ),
        ]
        to_reconcile = [
            (
                "order_line.invoice_lines.move_id",
                "any",
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
            ),
            (
                "transaction_ids",
                "any",
                expression.OR(
                    [
                        open_payment,
                        [("child_transaction_ids", "any", open_payment)],
                    ]
                ),
            ),
        ]
        return expression.AND(
            [
                [("fulfilment_paid", "=", True)],
                expression.OR(
                    [
                        expression.AND(
                            [
                                [("fulfilment_state", "in", ("paid", "invoiced"))],
                                expression.OR([to_invoice, to_deliver]),
                            ]
                        ),
                        expression.AND(
                            [
                                [
                                    (
                                        "fulfilment_state",
                                        "in",
                                        ("invoiced", "shipped", "delivered"),
                                    )
                                ],
                                to_reconcile,
                            ]
                        ),
                    ]
                ),
            ]
        )

    @api.model
    def _cron_fulfil_orders(self, batch_size=100):
        orders = self.search(
            self._get_fulfilment_todo_domain(), limit=batch_size, order="id"
        )
        done = orders._fulfilment_run("batch")
        # An order the run went through without error but that still has work
        # the automation cannot do (a payment it cannot match, ...) would be
        # picked again on every run: it needs a person.
        for order in done.filtered_domain(self._get_fulfilment_todo_domain()):
            order._fulfilment_set_exception(
                UserError(
                    self.env._(
                        "The automation did all it could, but the order still has "
                        "something to invoice, a ready delivery or a payment not "
                        "matched with its invoice (another customer or receivable "
                        "account?). Please check it, then click Fulfil."
                    )
                )
            )
            done -= order
        remaining = (
            self.search_count(self._get_fulfilment_todo_domain())
            if len(orders) == batch_size
            else 0
        )
        # Reports progress so that ir.cron commits this batch and runs the next
        # one; no order done means the rest is locked by another worker.
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)

    def _fulfilment_run(self, trigger):
        """Fulfil the orders that this transaction can lock. A failing order gets
        the exception state, a chatter message and an activity; the others go on
        and the caller's own work (payment post-processing, delivery) is kept.

        Two phases, so that the batch stays fast and every order's outcome is
        the one it would get alone in its own savepoint:

        - invoicing, posting and reconciliation only write to the database: all
          orders in one savepoint, each step once for all of them. If anything
          fails, that savepoint is rolled back and the phase is replayed one
          order per savepoint; as nothing left the database, the replay gives
          exactly the per-order outcome.
        - invoice mails and delivery validation (carrier bookings) reach outside
          the database: one savepoint per order, never replayed.

        Only fully paid orders are taken, and none in exception: an exception
        waits for a person (Fulfil).

        :param str trigger: 'payment', 'delivery' or 'batch'
        :return: the orders processed without error
        """
        orders = self.filtered(
            lambda o: o._is_fulfilment_paid() and not o.fulfilment_exception
        )._fulfilment_lock()
        failures = {}
        try:
            with self.env.cr.savepoint():
                orders._fulfil_database_steps(trigger)
        except Exception:  # pylint: disable=broad-except
            _logger.info("Batch invoicing failed, one order at a time", exc_info=True)
            failures = orders._fulfilment_each(
                lambda order: order._fulfil_database_steps(trigger)
            )
        todo = orders.filtered(lambda o: o not in failures)
        failures.update(
            todo._fulfilment_each(lambda order: order._fulfil_outside_steps(trigger))
        )
        for order, error in failures.items():
            if error is not None:
                order._fulfilment_set_exception(error)
        done = orders.filtered(lambda o: o not in failures)
        done._fulfilment_clear_exception()
        return done

    def _fulfilment_each(self, step):
        """Run step(order) for each order in its own savepoint.

        :return: {order: error} of the orders that failed; the error is None for
            an order left to another worker (lock or serialization conflict)
        """
        failures = {}
        for order in self:
            try:
                with self.env.cr.savepoint():
                    step(order)
            except CONCURRENCY_ERRORS as error:
                _logger.info(
                    "Fulfilment of %s left to another worker: %s", order, error
                )
                failures[order] = None
            # Any failure, whatever its type, becomes an exception of that order.
            except Exception as error:  # pylint: disable=broad-except
                _logger.info("Fulfilment of %s failed", order.name, exc_info=True)
                failures[order] = error
        return failures

    def _fulfilment_lock(self):
        """Lock the order rows for this transaction (SKIP LOCKED) and return the
        orders locked: not those another worker holds or changed since this
        transaction started (then they are tried one by one)."""
        if not self:
            return self
        query = (
            "SELECT id FROM sale_order WHERE id IN %s ORDER BY id "
            "FOR NO KEY UPDATE SKIP LOCKED"
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, [tuple(self.ids)])
                locked = {row[0] for row in self.env.cr.fetchall()}
        except CONCURRENCY_ERRORS:
            if len(self) == 1:
                return self.browse()
            return self.browse([order.id for order in self if order._fulfilment_lock()])
        return self.filtered(lambda o: o.id in locked)

    def _get_fulfilment_policy(self, trigger):
        """Which steps run, per trigger; the one place reading the settings."""
        self.ensure_one()
        company = self.company_id
        return {
            "invoice": trigger == "manual"
            or company.fulfilment_auto_invoice
            or (trigger == "delivery" and company.fulfilment_invoice_on_delivery),
            "send": company.fulfilment_send_invoice,
            "validate_delivery": trigger != "delivery"
            and self.website_id.fulfilment_auto_validate_delivery,
        }

    def _fulfil_steps(self, trigger):
        """Do the missing steps of paid orders; each step checks first what is
        already done. Used as one unit by the Fulfil button (all or nothing)."""
        self._fulfil_database_steps(trigger)
        self._fulfil_outside_steps(trigger)

    def _fulfil_database_steps(self, trigger):
        """Invoice, post, reconcile: each step once for all the orders."""
        self.filtered(
            lambda o: o._get_fulfilment_policy(trigger)["invoice"]
        )._fulfilment_invoice()
        self._get_fulfilment_invoices()._reconcile_order_payments()

    def _fulfil_outside_steps(self, trigger):
        """Steps with effects outside the database: invoice mail, delivery
        validation (which may book the carrier)."""
        sending = self.filtered(lambda o: o._get_fulfilment_policy(trigger)["send"])
        sending._get_fulfilment_invoices()._fulfilment_send()
        self.filtered(
            lambda o: o._get_fulfilment_policy(trigger)["validate_delivery"]
        )._fulfilment_validate_deliveries()

    def _get_fulfilment_invoices(self):
        return self.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )

    def _fulfilment_invoice(self):
        """Invoice what is invoiceable (ordered or delivered quantities, per
        product policy) and post it; never after a credit note, never a refund."""
        orders = self.filtered(
            lambda o: (
                o.invoice_status == "to invoice"
                and not any(
                    m.move_type == "out_refund" and m.state != "cancel"
                    for m in o.invoice_ids
                )
                and any(
                    line.qty_to_invoice > 0
                    for line in o.order_line
                    if not line.display_type and not line.is_downpayment
                )
            )
        )
        if not orders:
            return
        invoices = orders._create_invoices(grouped=True, final=True)
        refunds = invoices.filtered(lambda m: m.move_type != "out_invoice")
        if refunds:
            raise UserError(
                self.env._(
                    "Invoicing %(orders)s would create a credit note: returns and "
                    "refunds are left to a person.",
                    orders=", ".join(
                        refunds.line_ids.sale_line_ids.order_id.mapped("name")
                    ),
                )
            )
        invoices.action_post()

    def _fulfilment_validate_deliveries(self):
        """Validate the fully reserved one-step deliveries of the orders."""
        pickings = self.picking_ids.filtered(
            lambda p: (
                p.picking_type_code == "outgoing"
                and p.state == "assigned"
                and all(
                    m.state == "assigned" for m in p.move_ids if m.state != "cancel"
                )
                and not p.move_ids.move_orig_ids
            )
        )
        if not pickings:
            return
        pickings.move_ids.picked = True
        result = pickings.with_context(skip_sms=True).button_validate()
        if result is not True:
            raise UserError(
                self.env._(
                    "Delivery %(pickings)s needs a manual validation.",
                    pickings=", ".join(pickings.mapped("name")),
                )
            )

    def _action_cancel(self):
        # Cancelling the order cancels its draft invoices: not a person taking
        # an invoice back from the automation (see account.move.button_cancel).
        return super(SaleOrder, self.with_context(**{SKIP_HOLD: True}))._action_cancel()

    def _fulfilment_set_exception(self, error):
        self.ensure_one()
        reason = error.args[0] if error.args else repr(error)
        self.write(
            {"fulfilment_exception": True, "fulfilment_exception_reason": reason}
        )
        self.message_post(
            body=self.env._("Fulfilment failed: %(reason)s", reason=reason),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        activity_type = self.env.ref(EXCEPTION_ACTIVITY)
        if activity_type not in self.activity_ids.activity_type_id:
            user = (
                self.user_id or self.team_id.user_id or self.env.ref("base.user_admin")
            )
            self.activity_schedule(EXCEPTION_ACTIVITY, note=reason, user_id=user.id)

    def _fulfilment_clear_exception(self):
        orders = self.filtered("fulfilment_exception")
        if orders:
            orders.write(
                {"fulfilment_exception": False, "fulfilment_exception_reason": False}
            )
            orders.activity_feedback(
                [EXCEPTION_ACTIVITY], feedback=self.env._("Fulfilled")
            )
