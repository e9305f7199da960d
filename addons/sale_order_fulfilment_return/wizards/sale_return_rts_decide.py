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
        help="The corrected delivery address of the new delivery.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ret = self.env["sale.return"].browse(values.get("return_id"))
        if ret and "partner_id" in fields_list:
            values["partner_id"] = ret.order_id.partner_shipping_id.id
        return values

    def action_decide(self):
        self.return_id.action_rts_decide(
            self.decision,
            self.partner_id.id if self.decision == "reship" else False,
        )
        return {"type": "ir.actions.act_window_close"}
