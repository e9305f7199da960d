from odoo.addons.delivery_carrier_tracking.tests.common import TrackingCommon
from odoo.tests import Form
from odoo.tools import html2plaintext

SECRET = "freight-audit-secret"
ACTIVITY_TYPE = "delivery_carrier_freight_audit.mail_activity_type_freight_cost"


class FreightCommon(TrackingCommon):
    """Sale orders shipped with an in-house carrier (fixed price 10, labels
    numbered from a sequence), whose price reports come by its webhook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET
        cls.currency = cls.env.company.currency_id
        # the shop's defaults, stated: a 10 % change needs a person
        cls.env.company.write(
            {
                "freight_threshold_amount": 0.0,
                "freight_threshold_percent": 10.0,
                "freight_cost_posting": "none",
                "freight_rebill_invoiced": False,
            }
        )

    def _order(self, quote=12.0, carrier=None, qty=2.0):
        """A confirmed order whose shipping was quoted `quote` at checkout."""
        carrier = carrier or self.carrier
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": qty})
                ],
            }
        )
        carrier.product_id.taxes_id = False
        order.set_delivery_line(carrier, quote)
        order.action_confirm()
        return order

    def _ship(self, order, qty=None):
        """Validate the order's open delivery (`qty`: a part of it, the rest
        left in a backorder); returns the delivery."""
        picking = order.picking_ids.filtered(lambda p: p.state != "done")
        qty = qty or sum(picking.move_ids.mapped("product_uom_qty"))
        picking.move_ids.write({"quantity": qty, "picked": True})
        res = picking.button_validate()
        if res is not True:  # the backorder question
            Form.from_action(self.env, res).save().process()
        self.assertEqual(picking.state, "done")
        return picking

    def _report(self, picking, price, details=None):
        body = {"tracking_number": picking.carrier_tracking_ref, "price": price}
        if details is not None:
            body["price_details"] = details
        response = self._post_webhook(self.carrier, body, SECRET)
        picking.invalidate_recordset()
        return response

    @staticmethod
    def _notes(record, text):
        """The record's chatter messages containing `text`, as plain text."""
        return [
            html2plaintext(message.body)
            for message in record.message_ids
            if text in html2plaintext(message.body or "")
        ]

    def _activities(self, picking):
        return picking.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        )
