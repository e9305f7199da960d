from odoo import fields, models

from .delivery_carrier_webhook_inbox import WEBHOOK_APPLY_MODES, WEBHOOK_APPLY_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    tracking_number_mail = fields.Boolean(
        related="company_id.tracking_number_mail", readonly=False
    )
    tracking_delivered_mail = fields.Boolean(
        related="company_id.tracking_delivered_mail", readonly=False
    )
    tracking_watch_label_hours = fields.Integer(
        related="company_id.tracking_watch_label_hours", readonly=False
    )
    tracking_watch_days = fields.Integer(
        related="company_id.tracking_watch_days", readonly=False
    )
    tracking_watch_user_id = fields.Many2one(
        related="company_id.tracking_watch_user_id", readonly=False
    )
    tracking_webhook_apply = fields.Selection(
        WEBHOOK_APPLY_MODES,
        string="Carrier Webhooks",
        default="queue",
        required=True,
        config_parameter=WEBHOOK_APPLY_PARAM,
        help="Accept, then apply: a carrier's webhook is checked, recorded and "
        'answered at once; the scheduled action "Delivery Tracking: apply accepted '
        'webhooks" applies it right after. '
        "Apply before answering: the webhook is applied within the carrier's "
        "request (slower under load; its answer counts the shipments applied).",
    )
