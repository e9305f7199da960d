import base64
import binascii
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from .sale_return import APPROVE_GROUP, LOCK_ERRORS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    return_ids = fields.One2many("sale.return", "order_id", string="Returns")
    return_count = fields.Integer(compute="_compute_return_count")
    fulfilment_state = fields.Selection(
        selection_add=[("returned", "Returned & Refunded")],
        ondelete={"returned": "set delivered"},
    )

    def _compute_return_count(self):
        groups = self.env["sale.return"]._read_group(
            [("order_id", "in", self.ids)], ["order_id"], ["__count"]
        )
        counts = {order.id: count for order, count in groups}
        for order in self:
            order.return_count = counts.get(order.id, 0)

    # ------------------------------------------------------------------
    # The order's state once its goods came back (the one state hook)
    # ------------------------------------------------------------------

    @api.model
    def _fulfilment_state_depends(self):
        return [
            *super()._fulfilment_state_depends(),
            "return_ids.state",
            "order_line.qty_delivered",
        ]

    def _is_fulfilment_returned(self):
        """The goods came back and the shop refunded them: nothing delivered
        is left with the customer (core's delivered quantities, the return
        moves deducted) and every return is settled, one of them refunded
        (credit note made; the money back through the provider or a person,
        see the return's refund state)."""
        self.ensure_one()
        # Read as superuser: the order's own returns and lines (products),
        # also for the portal customer whose timeline this decides.
        order = self.sudo()
        returns = order.return_ids
        if not returns.filtered(lambda r: r.state == "refunded") or (
            returns.filtered(lambda r: r.state in ("approved", "received"))
        ):
            return False
        return all(
            float_is_zero(
                line.qty_delivered, precision_rounding=line.product_uom.rounding
            )
            for line in order.order_line
            if line._is_returnable_goods()
        )

    def _get_fulfilment_progress(self):
        """Shipped or delivered, then everything came back and was refunded:
        Returned & Refunded (a partial return leaves the order where it is)."""
        progress = super()._get_fulfilment_progress()
        if progress in ("shipped", "delivered") and self._is_fulfilment_returned():
            return "returned"
        return progress

    def _get_fulfilment_timeline(self):
        """The customer sees the goods back and refunded as the last step."""
        steps = super()._get_fulfilment_timeline()
        if self._get_fulfilment_progress() == "returned":
            labels = dict(
                self._fields["fulfilment_state"]._description_selection(self.env)
            )
            steps.append(
                {"step": "returned", "label": labels["returned"], "done": True}
            )
        return steps

    def action_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_fulfilment_return.action_sale_return"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # The customer's request (portal, /track, XML-RPC)
    # ------------------------------------------------------------------

    def request_return(self, lines, note=None, photo_name=None, photo_data=None):
        """Ask for the return of delivered goods of this order (its customer,
        e.g. a portal user over XML-RPC, or its salesperson on their behalf).

        :param lines: list of dicts with sale_line_id, quantity, reason_id
        :param photo_data: base64 of an optional photo
        :return: the return's status (sale.return.get_return_status)
        """
        self.ensure_one()
        self.check_access("read")
        if self.env.user._is_portal() and (
            self.partner_id.commercial_partner_id
            != self.env.user.partner_id.commercial_partner_id
        ):
            raise UserError(self.env._("You can only return your own orders."))
        if not self.env.user._is_portal():
            # On the customer's behalf: whoever may approve it (salespeople).
            self.env["sale.return"]._check_group(
                APPROVE_GROUP, self.env._("Requesting a return")
            )
            self.check_access("write")
        photo = None
        if photo_data:
            try:
                photo = (photo_name or "photo", base64.b64decode(photo_data))
            except (binascii.Error, ValueError) as error:
                raise UserError(self.env._("The photo is not valid base64.")) from error
        ret = self.env["sale.return"]._request(self, lines, note=note, photo=photo)
        return ret.get_return_status()[0]

    def get_returnable_lines(self):
        """What the customer may return now: one dict per line (JSON-safe)."""
        self.ensure_one()
        self.check_access("read")
        return [
            {
                "sale_line_id": line.id,
                "product": line.product_id.display_name,
                "quantity": qty,
                "uom": line.product_uom.name,
            }
            for line, qty in self.sudo()._get_returnable_lines()
        ]

    def _get_returnable_lines(self):
        self.ensure_one()
        result = []
        for line in self.order_line:
            qty = line._get_returnable_qty()
            if qty > 0:
                result.append((line, qty))
        return result

    def _get_return_deadline(self):
        """Last day of the return window: the website's days after the last
        done delivery; False when nothing was delivered or returns are off."""
        self.ensure_one()
        days = self.website_id.return_window_days
        delivered = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        )
        if not days or not delivered:
            return False
        dates = [p.date_done for p in delivered if p.date_done]
        return max(dates) + timedelta(days=days) if dates else False

    def _is_return_open(self):
        self.ensure_one()
        deadline = self._get_return_deadline()
        return bool(deadline) and fields.Datetime.now() <= deadline

    def _check_return_window(self):
        self.ensure_one()
        if self.state != "sale":
            raise UserError(
                self.env._("Order %(order)s is not confirmed.", order=self.name)
            )
        if not self._is_return_open():
            raise UserError(
                self.env._(
                    "Order %(order)s is outside its return window (%(days)s days "
                    "after delivery).",
                    order=self.name,
                    days=self.website_id.return_window_days,
                )
            )

    def _return_lock(self):
        """Lock the order's row: two requests, or a request and an approval,
        are checked against the quantity rule one after the other. The row
        is also touched: a transaction whose snapshot predates this one's
        commit then fails to lock it (a serialization error) instead of
        checking the quantities against returns it cannot see."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM sale_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    [tuple(self.ids)],
                )
                self.env.cr.execute(
                    "UPDATE sale_order SET write_date = write_date WHERE id IN %s",
                    [tuple(self.ids)],
                )
        except LOCK_ERRORS as error:
            raise UserError(
                self.env._(
                    "Order %(orders)s is being changed by someone else, try again "
                    "in a moment.",
                    orders=", ".join(self.mapped("name")),
                )
            ) from error
        self.invalidate_recordset()
