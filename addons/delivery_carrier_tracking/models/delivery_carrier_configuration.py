from markupsafe import Markup
from odoo import fields, models

from ..shipment_rules import tracking_event_text

CONFIG_ERROR_SIZE = 1000


class DeliveryCarrier(models.Model):
    """A carrier that refused the method's own settings (API key, account,
    URL): a configuration error, not a delivery's. It is recorded once on the
    method, with one activity for an administrator; meanwhile the method is
    hidden at checkout, asks the carrier nothing, and its deliveries wait
    instead of being retried. Saving the settings again (the provider says
    which) or "Retry Now" ends the wait.

    Providers plug in with <delivery_type>_configuration_error(error) -> the
    carrier's message when `error` is such a refusal, else None."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    tracking_config_error = fields.Text(
        "Settings Refused by the Carrier",
        readonly=True,
        copy=False,
        help="What the carrier answered when it refused this method's settings "
        "(e.g. a wrong API key). Until they are saved again or retried, the "
        "method is hidden at checkout and its deliveries wait.",
    )

    def _tracking_configuration_error(self, error):
        """The carrier's message when `error` (or what caused it) is a
        refusal of this method's settings, by the provider's
        <delivery_type>_configuration_error; None otherwise."""
        self.ensure_one()
        provider = self._tracking_provider_method("configuration_error")
        return provider(error) if provider else None

    def _tracking_config_failed(self, message):
        """Record that the carrier refused this method's settings: once,
        however many checkouts and deliveries meet it, with one activity for
        an administrator (the one who can change an API key)."""
        self.ensure_one()
        message = tracking_event_text(message, CONFIG_ERROR_SIZE)
        carrier = self.sudo()
        if carrier.tracking_config_error == message:
            return
        carrier.tracking_config_error = message
        carrier.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "The carrier refused the settings of this delivery method. "
                    "It is hidden at checkout and its deliveries wait until the "
                    "settings are saved again or retried."
                ),
                message,
            ),
            author_id=self.env.ref("base.partner_root").id,
            message_type="notification",
        )
        user = carrier._tracking_config_responsible()
        carrier._tracking_warn_activity(
            carrier.with_context(lang=user.lang).env._(
                "Delivery method settings refused by the carrier"
            ),
            message,
            user,
        )

    def _tracking_warn_activity(self, summary, note, user):
        """One open warning activity with this summary on the method, for
        `user`: its note updated when it is already open."""
        self.ensure_one()
        warning = self.env.ref("mail.mail_activity_data_warning")
        activity = self.activity_ids.filtered(
            lambda a: a.activity_type_id == warning and a.summary == summary
        )
        if activity:
            activity.note = note
        else:
            self.activity_schedule(
                "mail.mail_activity_data_warning",
                fields.Date.context_today(self),
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _tracking_config_responsible(self):
        """The company's first administrator: who can change the method's
        API key (fields restricted to Settings)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        admin = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env.ref("base.group_system").id),
                    ("share", "=", False),
                    ("company_ids", "in", company.id),
                ],
                order="id",
                limit=1,
            )
        )
        return admin or self.env.ref("base.user_admin")

    def _tracking_config_fixed(self):
        """The settings were saved again: the methods show at checkout, their
        open activity is done, and the deliveries that waited for them are
        sent by the scheduler, asked to run now."""
        carriers = self.sudo().filtered("tracking_config_error")
        if not carriers:
            return
        carriers.tracking_config_error = False
        warning = self.env.ref("mail.mail_activity_data_warning")
        carriers.activity_ids.filtered(
            lambda a: a.activity_type_id == warning
        ).action_feedback(feedback=self.env._("Settings saved again."))
        # waiting deliveries are due (no next attempt set), only skipped
        # while their method was refused
        if (
            self.env["stock.picking"]
            .sudo()
            .search_count(
                [
                    ("carrier_id", "in", carriers.ids),
                    ("shipment_state", "=", "label_pending"),
                    ("state", "=", "done"),
                    ("tracking_next_poll_at", "=", False),
                ],
                limit=1,
            )
        ):
            self.env.ref("delivery_carrier_tracking.ir_cron_tracking_update")._trigger()

    def action_tracking_config_retry(self):
        """ "Retry Now" on the method's form, for those who manage delivery
        methods: the shop fixed the refusal where the carrier keeps it (e.g.
        activated the key in its dashboard)."""
        self.check_access("write")
        self._tracking_config_fixed()
        return True

    def _tracking_unavailable_rate(self):
        """Core's failed rate of a method whose settings the carrier refused:
        a neutral sentence for shoppers (never the carrier's words about the
        shop's key), the carrier's message for staff."""
        self.ensure_one()
        if self.env.user._is_internal():
            message = self.env._(
                "%(method)s cannot be used until its settings are fixed: %(error)s",
                method=self.name,
                error=self.sudo().tracking_config_error,
            )
        else:
            message = self.env._(
                "This delivery method is not available at the moment. Please "
                "choose another one."
            )
        return {
            "success": False,
            "price": 0.0,
            "error_message": message,
            "warning_message": False,
        }

    def _is_available_for_order(self, order):
        # hidden at checkout (core's only caller) while refused
        return (
            not self.sudo().tracking_config_error
            and super()._is_available_for_order(order)
        )

    def rate_shipment(self, order):
        # no request to a carrier that refused the settings
        if self.sudo().tracking_config_error:
            return self._tracking_unavailable_rate()
        return super().rate_shipment(order)
