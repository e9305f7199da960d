from odoo import models
from odoo.tools.misc import format_amount


class CodRemittance(models.Model):
    """Short or missing cash of a payout flagged on its orders."""

    _inherit = "cod.remittance"  # pylint: disable=consider-merging-classes-inherited

    def _cod_flag_issues(self):
        """Short or missing amounts: a message and an activity on the order,
        so the shop claims the difference from the carrier."""
        activity_type = self.env.ref(
            "sale_order_fulfilment_cod_remittance.mail_activity_type_cod_short"
        )
        for line in self.line_ids.filtered(lambda l: l.state != "remitted"):
            order = line.sale_order_id.sudo()
            currency = line.currency_id
            if line.state == "missing":
                note = self.env._(
                    "Payout %(payout)s of %(partner)s lists this order without "
                    "paying its cash: %(outstanding)s still to remit.",
                    payout=line.remittance_id.name,
                    partner=line.remittance_id.partner_id.display_name,
                    outstanding=format_amount(self.env, line.outstanding, currency),
                )
            else:
                note = self.env._(
                    "Payout %(payout)s of %(partner)s remits %(amount)s of "
                    "%(due)s: %(outstanding)s short.",
                    payout=line.remittance_id.name,
                    partner=line.remittance_id.partner_id.display_name,
                    amount=format_amount(self.env, line.amount, currency),
                    due=format_amount(self.env, line.amount_to_remit, currency),
                    outstanding=format_amount(self.env, line.outstanding, currency),
                )
            order.cod_remittance_issue = line.state
            order.message_post(body=note)
            if not order.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ):
                order.activity_schedule(
                    activity_type_id=activity_type.id,
                    note=note,
                    user_id=(order.user_id or self.env.user).id,
                )
