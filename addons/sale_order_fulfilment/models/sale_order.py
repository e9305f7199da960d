from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_amount

from .account_move import SKIP_HOLD
from .fulfilment_steps import MANUAL
from .payment_transaction import TX_PATHS

FULFILMENT_STATES = [
    ("awaiting_payment", "Awaiting Payment"),
    ("paid", "Paid"),
    ("invoiced", "Invoiced"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("exception", "Exception"),
]
# Who may click Fulfil: who creates invoices from orders in core (salespeople,
# through the invoicing wizard) or invoices at all (billing).
FULFIL_GROUPS = ("sales_team.group_sale_salesman", "account.group_account_invoice")


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
    # The one predicate every trigger, the batch's search and Fulfil go
    # through (see _is_fulfilment_agreed).
    fulfilment_may_automate = fields.Boolean(
        string="Automated Fulfilment",
        compute="_compute_fulfilment_may_automate",
        store=True,
        index=True,
        copy=False,
        help="The fulfilment automation may invoice and ship this order: the "
        "shop agreed (paid online in full, or cash on delivery to collect) and "
        "no person has taken it over (exception: a refund, an invoice taken "
        "back, a failure).",
    )
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
            # the transactions read once for both amounts
            txs = order._get_fulfilment_transactions()
            order.fulfilment_amount_paid = order._get_fulfilment_amount_paid(txs=txs)
            # What the shop agreed to pay back (a return) is no longer due.
            due = order._get_fulfilment_amount_paid(agreed_refunds=False, txs=txs)
            order.fulfilment_amount_missing = max(
                order.currency_id.round(order.amount_total - due), 0.0
            )

    @api.depends(lambda self: self._fulfilment_agreement_depends())
    def _compute_fulfilment_may_automate(self):
        for order in self:
            order.fulfilment_may_automate = (
                not order.fulfilment_exception
                and order._is_fulfilment_agreed()
                and not order._is_fulfilment_waiting()
            )

    @api.model
    def _fulfilment_agreement_depends(self):
        """Fields _is_fulfilment_agreed reads: extend with its hook."""
        return ["state", "fulfilment_exception", "fulfilment_paid"]

    def _is_fulfilment_agreed(self):
        """The one hook deciding whether the shop agreed that the automation
        moves this order's money and goods: here, confirmed and paid online in
        full (fulfilment_paid). Other ways of paying (cash on delivery) add
        their orders; a refund, an invoice taken back or a failure is apart
        (fulfilment_exception, until a person clicks Fulfil)."""
        self.ensure_one()
        return self.state == "sale" and self.fulfilment_paid

    def _is_fulfilment_waiting(self):
        """The hook for an agreed order that waits for a person's decision
        before the automation acts again (e.g. a parcel coming back to the
        shop): whatever way of paying made it agreed. Fields it reads go in
        _fulfilment_agreement_depends."""
        self.ensure_one()
        return False

    def _get_fulfilment_waiting_note(self):
        """What the waiting order waits for (extend with
        _is_fulfilment_waiting)."""
        self.ensure_one()
        return ""

    @api.depends(lambda self: self._fulfilment_state_depends())
    def _compute_fulfilment_state(self):
        for order in self:
            order.fulfilment_state = order._get_fulfilment_state()

    @api.model
    def _fulfilment_state_depends(self):
        """Fields the fulfilment state reads: extended with the state hooks
        (_get_fulfilment_payment_state, stock.picking's
        _get_fulfilment_shipping_state)."""
        return [
            "state",
            "fulfilment_exception",
            "fulfilment_paid",
            "order_line.invoice_lines.move_id.state",
            "picking_ids.state",
            "picking_ids.carrier_id",
        ]

    def _get_fulfilment_state(self):
        self.ensure_one()
        if self.fulfilment_exception and self.state != "cancel":
            return "exception"
        return self._get_fulfilment_progress()

    def _get_fulfilment_progress(self):
        """Furthest step reached, whatever an exception says (False if
        cancelled): the one place the fulfilment state is decided. Shipping
        comes from stock.picking._get_fulfilment_shipping_state (tracking
        modules extend it), payment from _get_fulfilment_payment_state (other
        ways of paying extend it); both hooks' fields go into
        _fulfilment_state_depends. Modules add what comes after the
        timeline's steps here (returns), over the forward progress."""
        return self._get_fulfilment_forward_progress()

    def _get_fulfilment_forward_progress(self):
        """Furthest step on the way to the customer (paid to delivered),
        also once the goods came back: the timeline's steps the order went
        through stay done."""
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
        if self._get_fulfilment_invoices():
            return "invoiced"
        return self._get_fulfilment_payment_state()

    def _get_fulfilment_payment_state(self):
        """State of an order not invoiced or shipped yet: hook for other ways
        of paying (a selection_add of their state)."""
        self.ensure_one()
        return "paid" if self.fulfilment_paid else "awaiting_payment"

    def _is_fulfilment_paid(self, agreed_refunds=True):
        """The one place deciding whether the automation may invoice and ship:
        the order is confirmed, was paid online and its done online payments,
        refunds deducted, cover its total (within the currency's rounding). A
        down payment that confirmed the order is not enough. With
        agreed_refunds=False, the refunds the shop agreed to are not deducted
        (see _fulfilment_was_paid)."""
        self.ensure_one()
        return (
            self.state == "sale"
            and bool(self._get_fulfilment_transactions())
            and self.currency_id.compare_amounts(
                self._get_fulfilment_amount_paid(agreed_refunds=agreed_refunds),
                self.amount_total,
            )
            >= 0
        )

    def _get_fulfilment_amount_paid(self, agreed_refunds=True, txs=None):
        """Done online payments of the order in its currency: captures of partial
        captures (not their source), refunds deducted (negative amounts); with
        agreed_refunds=False, not the refunds the shop agreed to
        (payment.transaction._is_fulfilment_agreed_refund). `txs`: the
        order's _get_fulfilment_transactions() when the caller has them."""
        self.ensure_one()
        if txs is None:
            txs = self._get_fulfilment_transactions()
        if not agreed_refunds:
            txs = txs.filtered(lambda tx: not tx._is_fulfilment_agreed_refund())
        return txs._get_fulfilment_amount(self.currency_id, self.company_id)

    def _fulfilment_was_paid(self):
        """Whether the customer paid the order: fully paid online
        (fulfilment_paid), or was until the shop agreed to pay some back (a
        return's refund is a later event, not the order unpaid). What the
        customer and XML-RPC see as paid (the timeline's Paid step, the
        status' paid); the automation reads the stricter fulfilment_paid."""
        self.ensure_one()
        return self.fulfilment_paid or self._is_fulfilment_paid(agreed_refunds=False)

    def _get_fulfilment_timeline(self):
        """Steps shown to the customer on the portal, in order, with done flags."""
        self.ensure_one()
        steps = [key for key, _label in FULFILMENT_STATES[1:5]]
        labels = dict(self._fields["fulfilment_state"]._description_selection(self.env))
        progress = self._get_fulfilment_forward_progress()
        reached = steps.index(progress) if progress in steps else -1
        # An invoice (e.g. core's down payment invoice) does not make it paid.
        return [
            {
                "step": step,
                "label": labels[step],
                "done": self._fulfilment_was_paid()
                if step == "paid"
                else index <= reached,
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
        """Done transactions of the orders that moved money (see
        payment.transaction._get_fulfilment_money_moves).

        Read as superuser: transactions are readable by billing users only, and
        these are the orders' own ones (callers check access to the orders)."""
        txs = self.sudo().transaction_ids._get_fulfilment_descendants()
        return txs._get_fulfilment_money_moves()

    def _get_fulfilment_payment_lines(self):
        """Open receivable lines of the posted payments of the orders' transactions."""
        return (
            self._get_fulfilment_transactions().payment_id._get_fulfilment_open_lines()
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
        unpaid = self.filtered(lambda o: not o._is_fulfilment_agreed())
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
        waiting = self.filtered(lambda o: o._is_fulfilment_waiting())
        if waiting:
            raise UserError(
                self.env._(
                    "These orders wait for a person's decision first: %(orders)s",
                    orders=", ".join(
                        f"{order.name} ({order._get_fulfilment_waiting_note()})"
                        for order in waiting
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
        # The person takes the exception back: the steps then go through the
        # one predicate (fulfilment_may_automate) as any trigger's do. A
        # failing step raises, and the exception is rolled back with the rest.
        orders._fulfilment_clear_exception()
        orders._fulfil_steps(MANUAL)
        return True

    def _get_fulfilment_unpaid_note(self):
        """Why the order is not paid for the automation, for the person."""
        self.ensure_one()
        if self.state != "sale":
            return self.env._("not confirmed")
        if self._fulfilment_was_paid():
            return self.env._(
                "paid, then paid back in part or whole as the shop agreed"
            )
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

    def _get_fulfilment_hold_reason(self, invoice, cancelled):
        """Why the automation stops for the order whose invoice a person
        cancelled or reset to draft (account.move._fulfilment_hold_orders)."""
        values = {
            "invoice": invoice.name or invoice.display_name,
            "user": self.env.user.name,
        }
        if cancelled:
            return self.env._(
                "Invoice %(invoice)s was cancelled by %(user)s. The automation "
                "stops for this order (it would invoice it again): click "
                "Fulfil when it should invoice and go on.",
                **values,
            )
        return self.env._(
            "Invoice %(invoice)s was reset to draft by %(user)s. The "
            "automation stops for this order (it would deliver it): post "
            "the invoice and click Fulfil when it should go on.",
            **values,
        )

    def _action_cancel(self):
        # Cancelling the order cancels its draft invoices: not a person taking
        # an invoice back from the automation (see account.move.button_cancel).
        return super(SaleOrder, self.with_context(**{SKIP_HOLD: True}))._action_cancel()
