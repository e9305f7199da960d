"""Cash on delivery in the fulfilment engine: COD orders go through its steps
unpaid (sale.order._is_fulfilment_agreed), are invoiced per their own policy
and, once delivered, paid by the collection entry; a failed parcel ends it."""

import dataclasses

from odoo import Command, api, fields, models
from odoo.addons.sale_order_fulfilment.models.fulfilment_steps import (
    POSTED_INVOICE,
    Step,
    order_invoices,
)
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools.misc import format_amount

# The deliveries that carry the cash (stock.picking.cod_collect, from the one
# hook sale.order._cod_get_collecting_deliveries) reported delivered by their
# carrier, none still on its way: the moment the courier has the cash.
_COLLECTING = [("cod_collect", "=", True)]
COD_DELIVERED = [
    ("picking_ids", "any", [*_COLLECTING, ("shipment_state", "=", "delivered")]),
    (
        "picking_ids",
        "not any",
        [
            *_COLLECTING,
            ("state", "!=", "cancel"),
            ("shipment_state", "!=", "delivered"),
        ],
    ),
]
# When a COD order may be invoiced (Settings: at confirmation, or once
# delivered).
COD_INVOICE_POLICY = expression.OR(
    [
        [("company_id.cod_invoice_policy", "=", "confirm")],
        [("company_id.cod_invoice_policy", "=", "delivered"), *COD_DELIVERED],
    ]
)
COD_COLLECT = Step(
    "cod_collect",
    domain=[
        ("is_cod", "=", True),
        ("cod_state", "=", "to_collect"),
        *COD_DELIVERED,
        *order_invoices(
            [*POSTED_INVOICE, ("payment_state", "in", ("not_paid", "partial"))]
        ),
    ],
    settings=lambda trigger: [],
    action="_fulfilment_cod_collect",
    phase="invoicing",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_fulfilment_steps(self):
        """COD orders are invoiced per their own policy (Settings) and, once
        delivered, paid by the collection entry (after the invoicing steps)."""
        steps = []
        for step in super()._get_fulfilment_steps():
            if step.name == "invoice":
                step = dataclasses.replace(
                    step, settings=self._cod_invoice_settings(step.settings)
                )
            steps.append(step)
            if step.name == "reconcile":
                steps.append(COD_COLLECT)
        if COD_COLLECT not in steps:
            steps.append(COD_COLLECT)
        return tuple(steps)

    @api.model
    def _cod_invoice_settings(self, settings):
        def cod_settings(trigger):
            return expression.OR(
                [
                    expression.AND([[("is_cod", "=", False)], settings(trigger)]),
                    expression.AND([[("is_cod", "=", True)], COD_INVOICE_POLICY]),
                ]
            )

        return cod_settings

    def _fulfilment_cod_collect(self, _trigger):
        """The courier delivered: the cash is now owed by the carrier. One
        entry per order on the COD journal moves the open invoice amount from
        the customer's receivable (reconciled with the invoice: customer
        balance zero) to the COD receivable of the carrier's partner.

        Runs with the automation's rights in the order's company (webhooks,
        crons and warehouse users have no accounting rights)."""
        for order in self.sudo():
            order = order.with_company(order.company_id)
            order._cod_collect()

    def _cod_collect(self):
        self.ensure_one()
        company = self.company_id
        company._cod_ensure_accounting()
        journal, cod_account = company.cod_journal_id, company.cod_receivable_account_id
        if not journal or not cod_account:
            raise UserError(
                self.env._(
                    "Cash on delivery of %(order)s cannot be booked: set the COD "
                    "journal and COD receivable account in the Sales settings of "
                    "%(company)s.",
                    order=self.name,
                    company=company.name,
                )
            )
        invoices = self._get_fulfilment_invoices()
        receivable = invoices.line_ids._fulfilment_open_receivable()
        if (
            not receivable
            or len(receivable.account_id) > 1
            or len(invoices.currency_id) > 1
        ):
            raise UserError(
                self.env._(
                    "Cash on delivery of %(order)s cannot be booked: its invoices "
                    "have no open amount on one receivable account.",
                    order=self.name,
                )
            )
        currency = invoices.currency_id
        amount_currency = sum(receivable.mapped("amount_residual_currency"))
        balance = sum(receivable.mapped("amount_residual"))
        customer = invoices.commercial_partner_id[:1]
        carrier_partner = self.carrier_id._cod_get_partner()
        label = self.env._("Cash on delivery %(order)s", order=self.name)
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": fields.Date.context_today(self),
                "ref": label,
                "cod_sale_order_id": self.id,
                "line_ids": [
                    Command.create(
                        {
                            "name": label,
                            "account_id": receivable.account_id.id,
                            "partner_id": customer.id,
                            "currency_id": currency.id,
                            "amount_currency": -amount_currency,
                            "balance": -balance,
                        }
                    ),
                    Command.create(
                        {
                            "name": self.name,
                            "account_id": cod_account.id,
                            "partner_id": carrier_partner.id,
                            "currency_id": currency.id,
                            "amount_currency": amount_currency,
                            "balance": balance,
                        }
                    ),
                ],
            }
        )
        move.action_post()
        (
            move.line_ids.filtered(
                lambda line: line.account_id == receivable.account_id
            )
            | receivable
        ).reconcile()
        self.write(
            {
                "cod_state": "collected",
                "cod_collection_move_id": move.id,
                "cod_collected_date": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=self.env._(
                "Delivered: %(amount)s collected in cash by %(carrier)s, booked "
                "in %(move)s.",
                amount=format_amount(self.env, amount_currency, currency),
                carrier=carrier_partner.name,
                move=move.name,
            )
        )

    def _cod_fail(self, reason):
        """The parcel did not reach the customer (returned, rejected,
        disposed): no cash, nothing booked on the carrier. The unpaid invoice
        is reversed (Settings) and the order goes to exception with the
        reason. The goods coming back are received through the return to
        sender of sale_order_fulfilment_return (its COD bridge calls this at
        the decision), or core's Return button."""
        self.ensure_one()
        order = self.sudo().with_company(self.company_id)
        order.cod_state = "failed"
        notes = [reason]
        if order.company_id.cod_refund_failed:
            invoices = order._get_fulfilment_invoices().filtered(
                lambda m: m.payment_state in ("not_paid", "partial")
            )
            if invoices:
                refunds = invoices._reverse_moves(
                    [
                        {
                            "ref": self.env._(
                                "Cash on delivery not collected: %(move)s",
                                move=invoice.name,
                            )
                        }
                        for invoice in invoices
                    ],
                    cancel=True,
                )
                notes.append(
                    self.env._(
                        "Credit note %(refunds)s reverses the invoice.",
                        refunds=", ".join(refunds.mapped("name")),
                    )
                )
        order._fulfilment_set_exception(UserError(" ".join(notes)))
