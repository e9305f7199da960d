from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    cod_sale_order_id = fields.Many2one(
        "sale.order",
        "COD Order",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The cash-on-delivery order whose collection this entry books.",
    )

    def _fulfilment_hold_orders(self, cancelled):
        """A person took back the invoice of a COD order awaiting the cash:
        as for orders paid online, the automation must not invoice it again
        (or book its collection on another invoice) until someone clicks
        Fulfil. sale_order_fulfilment only holds orders paid online."""
        res = super()._fulfilment_hold_orders(cancelled)
        for invoice in self.filtered(lambda m: m.move_type == "out_invoice"):
            orders = invoice.sudo().invoice_line_ids.sale_line_ids.order_id.filtered(
                lambda o: (
                    o.state == "sale"
                    and o.is_cod
                    and o.cod_state == "to_collect"
                    and not o.fulfilment_exception
                )
            )
            for order in orders:
                order._fulfilment_set_exception(
                    UserError(
                        self.env._(
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
                    )
                )
        return res
