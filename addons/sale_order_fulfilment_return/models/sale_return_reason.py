from odoo import fields, models


class SaleReturnReason(models.Model):
    _name = "sale.return.reason"
    _description = "Return Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key for reports and XML-RPC.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: every company.", index=True
    )
    website_id = fields.Many2one(
        "website", help="Empty: every website of the company.", index=True
    )
    auto_approve = fields.Boolean(
        help="Requests with this reason are approved at once when their amount "
        "is within the website's auto-approval limit (Settings).",
    )

    def _get_website_reasons(self, website):
        """The reasons customers of `website` choose from."""
        return self.sudo().search(
            [
                ("website_id", "in", (False, website.id)),
                ("company_id", "in", (False, website.company_id.id)),
            ]
        )
