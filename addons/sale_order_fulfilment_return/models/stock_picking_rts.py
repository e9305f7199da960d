import logging

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    rts_return_id = fields.Many2one(
        "sale.return",
        string="Return to Sender",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The carrier brings this parcel back to the shop: the return and "
        "its incoming transfer.",
    )

    def _tracking_apply_events(self, events, parcels=None):
        """A return status on a shipped delivery: its return to sender, once
        (the tracking lock of _tracking_apply_events serialises webhooks and
        the poll on this delivery; rts_return_id is read after it)."""
        new_events = super()._tracking_apply_events(events, parcels)
        if (
            new_events
            and self.picking_type_code == "outgoing"
            and self.state == "done"
            and not self.rts_return_id
        ):
            event = new_events.filtered(
                lambda event: event._tracking_is_coming_back()
            ).sorted("event_time")[:1]
            if event:
                self._rts_create_or_warn(event)
        return new_events

    def _rts_create_or_warn(self, event):
        """The return to sender in a savepoint: when it is refused (e.g. by
        core's return wizard), the carrier's event stays recorded (a webhook
        would otherwise fail on every resend) and a person is asked to make
        the return by hand. Database errors (a concurrent transaction) go up:
        the request or cron is retried."""
        try:
            with self.env.cr.savepoint():
                self.env["sale.return"].sudo()._rts_create(self.sudo(), event)
        except (UserError, ValidationError) as error:
            _logger.warning("Return to sender of %s not made: %s", self.name, error)
            self.sudo()._tracking_warn_once(
                lambda env: env._("Return to sender not made"),
                str(error),
                message=self.env._(
                    "The carrier brings %(picking)s back, but its return could "
                    "not be made: %(error)s",
                    picking=self.name,
                    error=str(error),
                ),
            )

    def _get_fulfilment_shipping_state(self):
        """A parcel the carrier brings back: "returning" until a person
        decided; re-shipped, it goes on as its new delivery."""
        state = super()._get_fulfilment_shipping_state()
        ret = self.sudo().rts_return_id
        if not state or not ret:
            return state
        if not ret.rts_decision:
            return "returning"
        if ret.rts_decision == "reship" and ret.reship_picking_id:
            return ret.reship_picking_id._get_fulfilment_shipping_state() or state
        return state
