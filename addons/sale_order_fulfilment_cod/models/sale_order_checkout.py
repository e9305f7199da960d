"""Cash on delivery at checkout: the chosen delivery's offer, the order's one
fee line, and whether a COD transaction is the order's as it stands."""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

from .payment_provider import COD_MODE


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

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

    def _cod_check_transaction(self, tx):
        """Why the COD transaction `tx` cannot confirm this quotation, or "":
        the chosen delivery must still offer cash on delivery, the fee line
        be the offer's, and the transaction be for the order's total now (a
        cart changed after the customer chose COD, e.g. by a request sent
        from another tab, must not be confirmed with a lower amount)."""
        self.ensure_one()
        offer = self._cod_get_offer()
        if not offer["available"]:
            return offer["reason"]
        fee_lines = self._cod_fee_lines()
        fee = self._cod_checkout_fee(offer)
        if len(fee_lines) > 1 or self.currency_id.compare_amounts(
            sum(fee_lines.mapped("price_unit")), fee
        ):
            return self.env._(
                "The cash on delivery fee of %(order)s is not %(fee)s any more: "
                "please go through payment again.",
                order=self.name,
                fee=format_amount(self.env, fee, self.currency_id),
            )
        if tx.currency_id != self.currency_id or self.currency_id.compare_amounts(
            tx.amount, self.amount_total
        ):
            return self.env._(
                "The cart of %(order)s changed after cash on delivery was chosen "
                "(%(chosen)s, now %(total)s): please go through payment again.",
                order=self.name,
                chosen=format_amount(self.env, tx.amount, tx.currency_id),
                total=format_amount(self.env, self.amount_total, self.currency_id),
            )
        return ""

    def _cod_void_transactions(self):
        """The cart of these quotations changed: the COD transactions chosen
        for the cart as it was are cancelled (the customer goes through
        payment again), before any of them confirms an order."""
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        txs = quotations.sudo().transaction_ids.filtered(
            lambda tx: (
                tx.state in ("draft", "pending")
                and tx.provider_id.custom_mode == COD_MODE
            )
        )
        if txs:
            txs._set_canceled(
                state_message=self.env._(
                    "The cart changed after cash on delivery was chosen."
                )
            )

    def _cart_find_product_line(self, *args, **kwargs):
        # The fee line is the order's (as the delivery line): a cart request
        # naming it neither removes nor changes it.
        lines = super()._cart_find_product_line(*args, **kwargs)
        return lines.filtered(lambda line: not line.is_cod_fee)
