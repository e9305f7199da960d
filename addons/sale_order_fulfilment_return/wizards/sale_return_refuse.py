from odoo import fields, models


class SaleReturnRefuse(models.TransientModel):
    _name = "sale.return.refuse"
    _description = "Refuse a Customer Return"

    return_id = fields.Many2one("sale.return", required=True)
    reason = fields.Text(required=True, help="Mailed to the customer.")

    def action_refuse(self):
        self.return_id.action_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
