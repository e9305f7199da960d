from odoo import fields, models


class CodRemittanceImport(models.TransientModel):
    _name = "cod.remittance.import"
    _description = "Import a COD Payout"

    file = fields.Binary("Remittance File", required=True)
    filename = fields.Char()
    reference = fields.Char(
        "Payout Reference",
        help="For files without a reference column: the payout's reference, as "
        "on the bank transfer. Empty: the payout is named after the file (a "
        "payout is recognised by its lines, not by that name).",
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Bank Journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        help="Where the payout reached the bank. Empty: any bank journal.",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, readonly=True
    )
    create_statement_line = fields.Boolean(
        "Create the Bank Statement Line",
        help="When the bank journal has no line of this payout yet, create it "
        "(for shops that do not import their bank statements).",
    )

    def action_import(self):
        self.ensure_one()
        result = self.env["cod.remittance"].import_file(
            self.file,
            filename=self.filename or "",
            reference=self.reference or "",
            journal_id=self.journal_id.id,
            create_statement_line=self.create_statement_line,
        )
        if not result["payouts"]:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "This payout was already imported: nothing changed (%s lines).",
                        result["duplicates"],
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_fulfilment_cod_remittance.action_cod_remittance"
        )
        action["domain"] = [("id", "in", result["payouts"])]
        if len(result["payouts"]) == 1:
            action.update(
                view_mode="form", views=[(False, "form")], res_id=result["payouts"][0]
            )
        return action
