from odoo import api, fields, models

from ..models.sale_return_rts import RTS_DECISIONS


class SaleReturnRtsDecide(models.TransientModel):
    _name = "sale.return.rts.decide"
    _description = "Decide a Return to Sender"

    return_id = fields.Many2one("sale.return", required=True)
    decision = fields.Selection(RTS_DECISIONS, required=True, default="refund")
    commercial_partner_id = fields.Many2one(
        related="return_id.order_id.partner_id.commercial_partner_id"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Deliver To",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The corrected address of the new delivery (the order's delivery "
        "address and invoices stay as the customer chose).",
    )
    carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Delivery Method",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Who ships the new delivery: the returned delivery's, unless you "
        "pick another.",
    )
    company_id = fields.Many2one(related="return_id.order_id.company_id")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ret = self.env["sale.return"].browse(values.get("return_id"))
        returned = ret.rts_picking_id
        if ret and "partner_id" in fields_list:
            values["partner_id"] = (
                returned.partner_id or ret.order_id.partner_shipping_id
            ).id
        if ret and "carrier_id" in fields_list:
            values["carrier_id"] = returned.carrier_id.id
        return values

    def action_decide(self):
        reship = self.decision == "reship"
        self.return_id.action_rts_decide(
            self.decision,
            self.partner_id.id if reship else False,
            self.carrier_id.id if reship else False,
        )
        return {"type": "ir.actions.act_window_close"}
