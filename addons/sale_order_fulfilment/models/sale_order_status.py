from odoo import models


class SaleOrder(models.Model):
    """Where an order stands, for XML-RPC and the order's payments."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

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
            "paid": self._fulfilment_was_paid(),
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
