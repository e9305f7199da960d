import json

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from ..freight_rules import (
    COMPONENTS,
    change_reasons,
    clean_amount,
    complete_breakdown,
    exceeds_threshold,
    report_key,
)
from .stock_picking_freight_cost import FREIGHT_GROUPS, REASONS

ACTIVITY_TYPE = "delivery_carrier_freight_audit.mail_activity_type_freight_cost"


class StockPicking(models.Model):
    """The freight-cost audit of a delivery: what the customer was quoted,
    what the carrier booked, what it finally charges, each price the carrier
    gave kept as a stock.picking.freight.cost with its reasons."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    freight_cost_ids = fields.One2many(
        "stock.picking.freight.cost",
        "picking_id",
        "Freight Cost Changes",
        groups=FREIGHT_GROUPS,
    )
    freight_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Freight Currency"
    )
    freight_booked_at = fields.Datetime(
        "Freight Booked On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        groups=FREIGHT_GROUPS,
    )
    freight_quoted = fields.Monetary(
        "Quoted Shipping",
        currency_field="freight_currency_id",
        copy=False,
        readonly=True,
        groups=FREIGHT_GROUPS,
        help="What the customer was quoted for this delivery's shipping "
        "(untaxed, company currency): the order's shipping at checkout, less "
        "what its deliveries booked earlier took.",
    )
    freight_booked = fields.Monetary(
        "Booked Freight Cost",
        currency_field="freight_currency_id",
        copy=False,
        readonly=True,
        groups=FREIGHT_GROUPS,
        help="The carrier's price when the shipment was booked (before the "
        "delivery method's margins).",
    )
    freight_final = fields.Monetary(
        "Final Freight Cost",
        currency_field="freight_currency_id",
        copy=False,
        readonly=True,
        groups=FREIGHT_GROUPS,
        help="The carrier's last price for the shipment.",
    )
    freight_difference = fields.Monetary(
        "Cost over Quote",
        currency_field="freight_currency_id",
        compute="_compute_freight_difference",
        store=True,
        groups=FREIGHT_GROUPS,
        help="Final freight cost less the quoted shipping: positive when the "
        "shipment cost the shop more than the customer was quoted.",
    )
    freight_return_postage = fields.Monetary(
        "Return Postage",
        currency_field="freight_currency_id",
        copy=False,
        readonly=True,
        groups=FREIGHT_GROUPS,
        help="What the carrier charges, within its last price, for bringing "
        "the parcel back to the shop (a return to sender).",
    )
    freight_reason = fields.Selection(
        REASONS,
        "Why the Cost Changed",
        copy=False,
        readonly=True,
        groups=FREIGHT_GROUPS,
        help="The main reason of the carrier's last price change.",
    )

    @api.depends("freight_final", "freight_quoted")
    def _compute_freight_difference(self):
        for picking in self:
            picking.freight_difference = picking.freight_final - picking.freight_quoted

    # ------------------------------------------------------------------ #
    # Recording the carrier's prices
    # ------------------------------------------------------------------ #

    def _tracking_set_price(self, price, details=None):
        changed = super()._tracking_set_price(price, details=details)
        self._freight_record("report", price, details)
        if changed:
            self._freight_settle(self.sudo()._freight_rebill)
        return changed

    def cancel_shipment(self):
        res = super().cancel_shipment()
        for picking in self.sudo().filtered("freight_booked_at"):
            picking._freight_record("cancelled", 0.0)
        return res

    def _freight_record(self, kind, price, details=None):
        """Record a price the carrier gave for this delivery (`kind`: booked,
        report or cancelled; company currency, before the delivery method's
        margins) and what follows: the delivery's figures, the activity
        above the company's threshold, the journal entry. A report equal to
        the last one (a webhook resent) records nothing.

        :return: the new stock.picking.freight.cost, or an empty one
        """
        self.ensure_one()
        picking = self.sudo()
        Cost = self.env["stock.picking.freight.cost"].sudo()
        if kind == "cancelled" and not picking.freight_booked_at:
            return Cost
        # No lock of our own: a resend racing its original also writes the
        # delivery's figures, so the later one fails to serialize and is
        # retried, then finds the record.
        values = picking._freight_values(price, details)
        last = picking.freight_cost_ids.sorted("id")[-1:]
        if kind != "booked" and last.report_key == values["report_key"]:
            return Cost
        vals = {**values, "picking_id": picking.id, "kind": kind}
        picking_vals = {
            "freight_final": values["amount"],
            "freight_return_postage": values["return_fee"],
        }
        # The carrier's first price (at booking, or its first report for a
        # delivery booked otherwise) is the one later changes are held to.
        if kind == "booked" or not picking.freight_booked_at:
            quoted = picking._freight_quote_share()
            vals["previous_amount"] = quoted
            picking_vals.update(
                freight_booked_at=fields.Datetime.now(),
                freight_quoted=quoted,
                freight_booked=values["amount"],
                freight_reason=False,
            )
        else:
            currency = picking.company_id.currency_id
            reasons = change_reasons(
                {key: last[key] for key in COMPONENTS},
                {key: values[key] for key in COMPONENTS},
                currency.rounding,
                (last.weight or None, values["weight"] or None),
            )
            vals.update(
                previous_amount=last.amount,
                reason=reasons[0] if reasons else False,
                reason_keys=",".join(reasons),
            )
            if kind == "report":
                picking_vals["freight_reason"] = vals["reason"]
        cost = Cost.create(vals)
        picking.write(picking_vals)
        if kind == "report":
            picking._freight_notify_difference()
        if picking.company_id.freight_cost_posting == "journal_entry":
            picking._freight_settle(lambda: picking._freight_post(cost))
        return cost

    def _freight_values(self, price, details):
        """The cost record's values of a carrier's price and its
        ``price_details`` ({shipping_fee, cod_fee, insurance_fee,
        proof_of_delivery_fee, return_fee, other_fee, weight (kg), returning
        (bool: the carrier prices a parcel it brings back; default: the
        delivery's shipment is returned), raw (the carrier's own values)},
        amounts in the company's currency, each optional)."""
        self.ensure_one()
        details = details or {}
        try:
            if not isinstance(details, dict):
                raise TypeError("an object was expected")
            amount = clean_amount(price) or 0.0
            parts = {key: clean_amount(details.get(key)) for key in COMPONENTS}
            weight = clean_amount(details.get("weight"))
        except (TypeError, ValueError) as error:
            raise ValidationError(
                self.env._(
                    "The carrier's price details for %(picking)s are not valid: "
                    "%(error)s.",
                    picking=self.name,
                    error=str(error),
                )
            ) from error
        currency = self.company_id.currency_id
        breakdown = {
            key: currency.round(value)
            for key, value in complete_breakdown(
                amount, parts, returning=self._freight_returning(details)
            ).items()
        }
        amount = currency.round(amount)
        raw = details.get("raw", {"price": price, **details})
        return {
            "carrier_id": self.carrier_id.id,
            "amount": amount,
            **breakdown,
            "weight": weight or 0.0,
            "raw_values": json.dumps(raw, sort_keys=True, default=str),
            "report_key": report_key(amount, breakdown, weight),
        }

    def _freight_returning(self, details):
        """Whether the carrier's price is for a parcel coming back: as the
        carrier says (``returning``, read with its price), else as the
        delivery's shipment stands."""
        self.ensure_one()
        if "returning" in details:
            return bool(details["returning"])
        return self.shipment_state == "returned"

    def _freight_quote_share(self):
        """This delivery's part of what the customer was quoted: the order's
        quote less what its deliveries booked earlier took (a backorder
        ships on the first delivery's quote)."""
        self.ensure_one()
        order = self.sale_id
        if not order:
            return 0.0
        earlier = order.picking_ids.filtered(
            lambda p: p != self and p.freight_booked_at
        )
        quote = order._freight_quote() - sum(earlier.mapped("freight_quoted"))
        return max(0.0, self.company_id.currency_id.round(quote))

    # ------------------------------------------------------------------ #
    # What follows a change
    # ------------------------------------------------------------------ #

    def _freight_notify_difference(self):
        """One open activity per delivery while the carrier's price differs
        from the booked one by more than the company's threshold: made at
        the first such report, updated by the next ones."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        difference = currency.round(self.freight_final - self.freight_booked)
        if not exceeds_threshold(
            difference,
            self.freight_booked,
            company.freight_threshold_amount,
            company.freight_threshold_percent,
        ):
            return
        user = self._watch_activity_user()
        if user.share:  # a carrier's webhook runs as the public user
            user = self.env.ref("base.user_admin")
        env = self.with_context(lang=user.lang).env
        last = self.freight_cost_ids.sorted("id")[-1:].with_env(env)

        def money(amount):
            return format_amount(env, amount, currency)

        summary = env._(
            "Freight cost %(booked)s → %(final)s",
            booked=money(self.freight_booked),
            final=money(self.freight_final),
        )
        note = env._(
            "Quoted to the customer: %(quoted)s. Booked: %(booked)s. The "
            "carrier now charges %(final)s (%(reasons)s).",
            quoted=money(self.freight_quoted),
            booked=money(self.freight_booked),
            final=money(self.freight_final),
            reasons=last.reasons or env._("no reason given"),
        )
        activities = self.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        )
        if activities:
            activities.write({"summary": summary, "note": note})
        else:
            self.activity_schedule(
                ACTIVITY_TYPE,
                fields.Date.context_today(self),
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _freight_settle(self, step):
        """Run a settlement step (journal entry, rebilling) in a savepoint:
        one that fails (an account missing, a locked order) is noted on the
        delivery with one warning activity, and never undoes the carrier's
        price, which is recorded."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                step()
        except UserError as error:
            self.sudo()._tracking_warn_once(
                lambda env: env._("Freight cost not settled"),
                error,
                self.env._(
                    "The freight cost of %(picking)s was recorded but not "
                    "settled: %(error)s",
                    picking=self.name,
                    error=str(error),
                ),
            )
