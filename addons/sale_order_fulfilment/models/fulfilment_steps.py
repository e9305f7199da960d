"""The fulfilment steps, each written once: which orders it applies to (a
domain on sale.order), which settings allow it per trigger (a domain too) and
what it does (a method of sale.order). The batch's search and the selection
of the orders a run works on are both derived from these domains, so that
they cannot drift apart (see sale_order_engine.py)."""

from dataclasses import dataclass

from odoo.osv import expression

from .account_move_line import OPEN_RECEIVABLE

# Triggers: what started a run of the engine, one meaning each. The settings
# of a step may depend on it (see _invoice_settings, _deliver_settings).
# A payment of the order was post-processed (online, or the customer's choice
# of cash on delivery).
PAYMENT = "payment"
# Deliveries of the order were validated: by a person, or by the engine's own
# delivery steps (their follow-up invoices the delivered quantities).
DELIVERY_VALIDATED = "delivery"
# A carrier reported news of a shipped parcel (webhook, poll).
CARRIER_EVENT = "carrier_event"
# The scheduled action.
BATCH = "batch"
# A person clicked Fulfil (button, XML-RPC).
MANUAL = "manual"
TRIGGERS = (PAYMENT, DELIVERY_VALIDATED, CARRIER_EVENT, BATCH, MANUAL)

POSTED_INVOICE = [("move_type", "=", "out_invoice"), ("state", "=", "posted")]


def order_invoices(domain):
    """Orders with an invoice (customer invoice or credit note) matching domain.

    Through the stored lines: sale.order.invoice_ids is computed, and its search
    method only knows 'in' and '= False'."""
    return [("order_line.invoice_lines.move_id", "any", domain)]


# A delivery the automation validates: outgoing, one step (no picking or
# packing operation before it), every move reserved in full. A partly reserved
# delivery waits: validating it would make a backorder for the rest, which is
# left to the warehouse (see readme/USAGE.md).
READY_DELIVERY = [
    ("picking_type_code", "=", "outgoing"),
    ("state", "=", "assigned"),
    ("move_ids", "not any", [("state", "not in", ("assigned", "cancel"))]),
    ("move_ids", "not any", [("move_orig_ids", "!=", False)]),
]

# Validating it stays in the database: no carrier booking through an API (core's
# own pricing types only compute a price) and no confirmation email, which stock
# sends at once. Such deliveries are validated in a phase that may be replayed.
LOCAL_DELIVERY = [
    "|",
    ("carrier_id", "=", False),
    ("carrier_id.delivery_type", "in", ("fixed", "base_on_rule")),
    ("company_id.stock_move_email_validation", "=", False),
]
LOCAL_READY_DELIVERY = [*READY_DELIVERY, *LOCAL_DELIVERY]
CARRIER_READY_DELIVERY = [
    *READY_DELIVERY,
    "!",
    *expression.normalize_domain(LOCAL_DELIVERY),
]

# Phases, in the order they run. 'invoicing' and 'delivery' only write to the
# database: all orders at once, replayed one order per savepoint on a failure.
# 'outside' reaches outside the database (mail, carrier booking): one order per
# savepoint, never replayed.
PHASES = ("invoicing", "delivery", "outside")
OUTSIDE = "outside"

# A posted payment of a done transaction still open on the receivable account.
_OPEN_PAYMENT = [
    ("state", "=", "done"),
    ("payment_id.move_id.line_ids", "any", [*OPEN_RECEIVABLE, ("balance", "<", 0)]),
]


@dataclass(frozen=True)
class Step:
    """One fulfilment step.

    :param name: key of the step
    :param domain: the orders it applies to (the engine adds that the
        automation may act on them: sale.order.fulfilment_may_automate)
    :param settings: trigger -> domain of the orders whose settings allow it
    :param action: method of sale.order doing it, called on the selected
        orders with the trigger
    :param phase: one of PHASES
    :param batch: the step alone is a reason for the batch to take an order
    """

    name: str
    domain: list
    settings: object
    action: str
    phase: str
    batch: bool = True


def _invoice_settings(trigger):
    auto = [("company_id.fulfilment_auto_invoice", "=", True)]
    if trigger == MANUAL:
        return []
    if trigger == DELIVERY_VALIDATED:
        return expression.OR(
            [auto, [("company_id.fulfilment_invoice_on_delivery", "=", True)]]
        )
    return auto


def _deliver_settings(trigger):
    # A delivery a person validates, or a carrier's news of a parcel, never
    # makes the automation validate the order's other deliveries.
    if trigger in (DELIVERY_VALIDATED, CARRIER_EVENT):
        return expression.FALSE_DOMAIN
    return [("website_id.fulfilment_auto_validate_delivery", "=", True)]


STEPS = (
    Step(
        "invoice",
        domain=[
            ("invoice_status", "=", "to invoice"),
            # qty_to_invoice is stored: the domain is exact. Lines with a
            # negative quantity (returns) would make a credit note: the action
            # refuses it (an exception for a person, not a silent skip).
            (
                "order_line",
                "any",
                [
                    ("display_type", "=", False),
                    ("is_downpayment", "=", False),
                    ("qty_to_invoice", ">", 0),
                ],
            ),
            # never after a credit note: returns and refunds are a person's
            "!",
            *order_invoices(
                [("move_type", "=", "out_refund"), ("state", "!=", "cancel")]
            ),
        ],
        settings=_invoice_settings,
        action="_fulfilment_invoice",
        phase="invoicing",
    ),
    # A payment that came after the invoice (a second transaction, or one
    # post-processed while another worker held the order). Over-approximation:
    # whether a payment line may go on an invoice (same customer and
    # receivable account) compares two records, which no domain can say.
    # An order it leaves open goes to a person (the batch's stuck check).
    Step(
        "reconcile",
        domain=[
            *order_invoices(
                [*POSTED_INVOICE, ("payment_state", "in", ("not_paid", "partial"))]
            ),
            (
                "transaction_ids",
                "any",
                expression.OR(
                    [_OPEN_PAYMENT, [("child_transaction_ids", "any", _OPEN_PAYMENT)]]
                ),
            ),
        ],
        settings=lambda trigger: [],
        action="_fulfilment_reconcile",
        phase="invoicing",
    ),
    Step(
        "deliver",
        domain=[("picking_ids", "any", LOCAL_READY_DELIVERY)],
        settings=_deliver_settings,
        action="_fulfilment_deliver",
        phase="delivery",
    ),
    Step(
        "ship",
        domain=[("picking_ids", "any", CARRIER_READY_DELIVERY)],
        settings=_deliver_settings,
        action="_fulfilment_ship",
        phase=OUTSIDE,
    ),
    # Follows the invoicing: a posted invoice not mailed yet is no reason for
    # the batch to take an order (turning the setting on must not mail every
    # past invoice).
    Step(
        "send",
        domain=order_invoices([*POSTED_INVOICE, ("is_move_sent", "=", False)]),
        settings=lambda trigger: [("company_id.fulfilment_send_invoice", "=", True)],
        action="_fulfilment_send",
        phase=OUTSIDE,
        batch=False,
    ),
)
