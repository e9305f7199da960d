from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class StockPicking(models.Model):
    """The carrier's corrected price billed to the customer, where the
    delivery method invoices the real cost (core's invoice_policy 'real')."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _prepare_sale_delivery_line_vals(self):
        # The line core bills this delivery's real cost with, found again by
        # the carrier's corrections.
        return {
            **super()._prepare_sale_delivery_line_vals(),
            "freight_picking_id": self.id,
        }

    def _freight_rebill(self):
        """After a carrier's correction of the delivery's cost
        (carrier_price): when core billed this delivery's real cost on the
        order at booking, the delivery's line not invoiced yet takes the new
        price; once it is invoiced, a follow-up line with the difference
        when the company allows it (*Rebill Corrections After Invoicing*),
        else a note on the order. A delivery core did not bill (estimated
        cost, free shipping) is left alone."""
        self.ensure_one()
        order = self.sale_id
        lines = order.order_line.filtered(lambda line: line.freight_picking_id == self)
        if not lines or self.carrier_id.invoice_policy != "real":
            return
        currency = order.currency_id
        invoiced = lines.filtered("qty_invoiced")
        open_line = (lines - invoiced)[:1]
        billed = sum(line.price_unit * line.product_uom_qty for line in invoiced)
        price = self.carrier_price - billed
        if open_line:
            if not currency.compare_amounts(open_line.price_unit, price):
                return
        elif currency.is_zero(price):
            return
        elif not self.company_id.freight_rebill_invoiced:
            order.message_post(
                body=self.env._(
                    "%(carrier)s now charges %(price)s for %(picking)s; the "
                    "shipping is invoiced already, so the customer is not "
                    "billed the difference (%(difference)s).",
                    carrier=self.carrier_id.name,
                    price=format_amount(self.env, self.carrier_price, currency),
                    picking=self.name,
                    difference=format_amount(self.env, price, currency),
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        if order.locked:
            raise UserError(
                self.env._(
                    "%(order)s is locked: unlock it to bill the carrier's new "
                    "price for %(picking)s.",
                    order=order.name,
                    picking=self.name,
                )
            )
        if open_line:
            open_line.price_unit = price
        else:
            vals = order._prepare_delivery_line_vals(self.carrier_id, price)
            vals.update(
                name=self.env._(
                    "Shipping cost correction for %(picking)s", picking=self.name
                ),
                freight_picking_id=self.id,
            )
            self.env["sale.order.line"].create(vals)
        order.message_post(
            body=self.env._(
                "Shipping of %(picking)s rebilled at the carrier's price %(price)s.",
                picking=self.name,
                price=format_amount(self.env, self.carrier_price, currency),
            ),
            subtype_xmlid="mail.mt_note",
        )
