from odoo import api, models


class StockPicking(models.Model):
    """The watch's reasons (delivery_carrier_tracking's stock_picking_watch)
    with the sale order's: delivered while its invoice is unpaid."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _selection_watch_reason(self):
        return [
            *super()._selection_watch_reason(),
            ("invoice_unpaid", self.env._("Delivered, invoice not paid")),
        ]

    @api.model
    def _watch_reason_domains(self):
        """Delivered by the carrier while a posted customer invoice of the
        order is still unpaid (e.g. cash the courier has not handed over).
        The invoices are searched as superuser into a subquery: warehouse
        users, who may not read invoices, still get the filter and the
        reason, and never an invoice's data."""
        domains = super()._watch_reason_domains()
        unpaid = (
            self.env["account.move"]
            .sudo()
            ._search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ]
            )
        )
        orders = (
            self.env["sale.order"]
            .sudo()
            ._search([("order_line.invoice_lines.move_id", "in", unpaid)])
        )
        domains["invoice_unpaid"] = [
            # a return parcel delivered to the shop owes nothing
            ("picking_type_code", "=", "outgoing"),
            ("shipment_state", "=", "delivered"),
            ("sale_id", "in", orders),
        ]
        return domains
