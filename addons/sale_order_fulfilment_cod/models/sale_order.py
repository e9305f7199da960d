import dataclasses

from odoo import Command, api, fields, models
from odoo.addons.sale_order_fulfilment.models.fulfilment_steps import (
    MANUAL,
    POSTED_INVOICE,
    Step,
    order_invoices,
)
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools.misc import format_amount

COD_STATES = [
    ("none", "No COD"),
    ("to_collect", "Awaiting COD"),
    ("collected", "Paid (COD), awaiting remittance"),
    ("remitted", "Remitted"),
    ("failed", "Not collected"),
]
_OUTGOING = [("picking_type_code", "=", "outgoing")]
# Every delivery of the order reported delivered by its carrier (at least
# one, none still on its way): the moment the courier has the cash.
COD_DELIVERED = [
    ("picking_ids", "any", [*_OUTGOING, ("shipment_state", "=", "delivered")]),
    (
        "picking_ids",
        "not any",
        [*_OUTGOING, ("state", "!=", "cancel"), ("shipment_state", "!=", "delivered")],
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
    _inherit = "sale.order"

    is_cod = fields.Boolean(
        "Cash on Delivery",
        copy=False,
        readonly=True,
        index=True,
        help="The customer chose to pay the courier in cash on delivery.",
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

    @api.depends("is_cod", "cod_state")
    def _compute_fulfilment_state(self):
        # Only adds dependencies: see _get_fulfilment_progress.
        return super()._compute_fulfilment_state()

    def _get_fulfilment_progress(self):
        progress = super()._get_fulfilment_progress()
        if progress == "awaiting_payment" and self.cod_state == "to_collect":
            return "awaiting_cod"
        return progress

    # ------------------------------------------------------------------
    # Checkout: the offer and the fee line
    # ------------------------------------------------------------------

    def _cod_fee_lines(self):
        return self.order_line.filtered("is_cod_fee")

    def _cod_get_offer(self):
        """The chosen delivery's COD offer (delivery.carrier._cod_offer) for
        this order; COD is for web shop orders with a delivery."""
        self.ensure_one()
        if not self.carrier_id:
            return {
                "available": False,
                "fee": 0.0,
                "max_amount": 0.0,
                "reason": self.env._("Choose a delivery method first."),
            }
        return self.carrier_id._cod_offer(self)

    def _cod_set_fee_line(self):
        """Make the order's one COD fee line match the chosen delivery's offer
        (none when the fee is zero). Raises a UserError with the carrier's
        reason when COD is not offered: nothing is written then."""
        self.ensure_one()
        offer = self._cod_get_offer()
        if not offer["available"]:
            raise UserError(offer["reason"])
        fee = self.currency_id.round(offer["fee"])
        lines = self._cod_fee_lines()
        if self.currency_id.is_zero(fee):
            lines.unlink()
            return
        product = self.env.ref("sale_order_fulfilment_cod.product_cod_fee")
        if lines:
            # never two fee lines: the first keeps the fee, the rest go
            lines[1:].unlink()
            if self.currency_id.compare_amounts(lines[0].price_unit, fee):
                lines[0].price_unit = fee
            return
        self.env["sale.order.line"].create(
            {
                "order_id": self.id,
                "product_id": product.id,
                "name": self.env._(
                    "Cash on delivery fee (%(carrier)s)", carrier=self.carrier_id.name
                ),
                "product_uom_qty": 1.0,
                "price_unit": fee,
                "is_cod_fee": True,
                "sequence": max(self.order_line.mapped("sequence"), default=10) + 1,
            }
        )

    def _cod_checkout_fee(self, offer):
        """The fee of `offer` as the fee line will have it."""
        self.ensure_one()
        return self.currency_id.round(offer["fee"])

    def _cod_checkout_total(self, offer):
        """The order total once the fee line matches `offer`: what the
        customer hands the courier."""
        self.ensure_one()
        current = sum(self._cod_fee_lines().mapped("price_total"))
        return self.amount_total - current + self._cod_checkout_fee(offer)

    def _cod_remove_fee_line(self):
        self._cod_fee_lines().filtered(lambda line: not line.qty_invoiced).unlink()

    def set_delivery_line(self, carrier, amount):
        # The fee follows the carrier: kept (at the new carrier's fee) when
        # the new one offers COD too, dropped otherwise.
        with_fee = self.filtered(lambda o: o._cod_fee_lines() or o.is_cod)
        res = super().set_delivery_line(carrier, amount)
        for order in with_fee:
            if order._cod_get_offer()["available"]:
                order._cod_set_fee_line()
            else:
                order._cod_remove_fee_line()
        return res

    def _remove_delivery_line(self):
        # No delivery, no fee (website_sale drops the delivery on cart and
        # address changes).
        res = super()._remove_delivery_line()
        self._cod_remove_fee_line()
        return res

    def _cod_confirm(self):
        """Confirm the orders whose customer chose cash on delivery: awaiting
        COD, not paid. Orders whose delivery no longer offers COD (a request
        forged past the checkout's checks) stay unconfirmed, with a note."""
        for order in self:
            offer = order._cod_get_offer()
            if not offer["available"]:
                order.message_post(
                    body=self.env._(
                        "Cash on delivery refused: %(reason)s", reason=offer["reason"]
                    )
                )
                continue
            order.write({"is_cod": True, "cod_state": "to_collect"})
            order.with_context(send_email=True).action_confirm()

    # ------------------------------------------------------------------
    # Fulfilment engine: COD orders go through its steps unpaid
    # ------------------------------------------------------------------

    @api.model
    def _get_fulfilment_base_domain(self, trigger):
        """COD orders awaiting the cash are fulfilled like paid ones."""
        cod = [
            ("is_cod", "=", True),
            ("state", "=", "sale"),
            ("cod_state", "!=", "failed"),
        ]
        if trigger != MANUAL:
            cod.append(("fulfilment_exception", "=", False))
        return expression.OR([super()._get_fulfilment_base_domain(trigger), cod])

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
        receivable = invoices.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
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

    def _cod_fail(self, reason, picking):
        """The parcel did not reach the customer (returned, rejected,
        disposed): no cash, nothing booked on the carrier. The unpaid invoice
        is reversed (Settings), the return delivery prepared for the goods
        coming back, and the order goes to exception with the reason."""
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
        returned = picking._cod_prepare_return()
        if returned:
            notes.append(
                self.env._(
                    "Return %(picking)s is ready for the goods coming back.",
                    picking=returned.name,
                )
            )
        order._fulfilment_set_exception(UserError(" ".join(notes)))

    def _get_fulfil_allowed(self):
        """COD orders awaiting the cash are not paid online, yet Fulfil runs
        their missing steps (invoice per the COD policy, the collection entry
        once delivered), e.g. after a person fixed what put them in
        exception; same rights and lock as for orders paid online."""
        return super()._get_fulfil_allowed() | self.filtered(
            lambda o: o.is_cod and o.state == "sale" and o.cod_state == "to_collect"
        )

    # ------------------------------------------------------------------
    # Portal and XML-RPC
    # ------------------------------------------------------------------

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
