from datetime import datetime, time, timedelta

import pytz
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Windows the in-house default offers: the first day's and the next one's.
DEFAULT_WINDOW_DAYS = 2


class DeliveryCarrier(models.Model):
    """Courier pickups: the windows a carrier offers and the booking of one
    pickup, through the provider's <delivery_type>_pickup_windows(pickings)
    and <delivery_type>_schedule_pickup(pickings, window), else the in-house
    default (windows from the cut-off hour, no call)."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    pickup_cutoff_hour = fields.Float(
        "Pickup Cut-off",
        default=14.0,
        help="Time of day (at the warehouse) the courier comes for the parcels: "
        "deliveries scheduled after it go to the next day's pickup.",
    )
    pickup_window_hours = fields.Float(
        "Pickup Window (Hours)",
        default=3.0,
        help="How long after the cut-off the courier may come.",
    )

    @api.constrains("pickup_cutoff_hour", "pickup_window_hours")
    def _check_pickup_window(self):
        for carrier in self:
            if not (
                0 <= carrier.pickup_cutoff_hour < 24
                and 0 < carrier.pickup_window_hours <= 24
            ):
                raise ValidationError(
                    self.env._(
                        "%(carrier)s: the pickup cut-off is a time of day "
                        "(00:00 to 23:59) and the pickup window lasts more "
                        "than 0 and at most 24 hours.",
                        carrier=carrier.name,
                    )
                )

    def _pickup_windows(self, pickings):
        """The pickup windows the carrier offers for `pickings` (one
        warehouse), earliest first: dicts with ``start`` and ``end`` (UTC
        datetimes), optional ``reference`` (the provider's id of the slot)
        and ``label`` (what kind of handover, shown before the times)."""
        self.ensure_one()
        provider = self._tracking_provider_method("pickup_windows")
        windows = (
            provider(pickings) if provider else self._pickup_default_windows(pickings)
        )
        windows = [w for w in windows or [] if w.get("start") and w.get("end")]
        if not windows or any(w["start"] >= w["end"] for w in windows):
            raise UserError(
                self.env._(
                    "%(carrier)s offers no pickup window for %(deliveries)s.",
                    carrier=self.name,
                    deliveries=", ".join(pickings.mapped("name")),
                )
            )
        return sorted(windows, key=lambda w: w["start"])

    def _pickup_schedule(self, pickings, window):
        """Book the courier's pickup of `pickings` in `window` (one of
        _pickup_windows'): the provider's reference of the pickup, or False
        when the provider has no pickup call (the parcels are handed over
        as booked). The caller makes it once per pickup."""
        self.ensure_one()
        provider = self._tracking_provider_method("schedule_pickup")
        return (provider(pickings, window) if provider else False) or False

    def _pickup_cancel(self, pickup):
        """Cancel a scheduled pickup with the provider, if it has the call
        (<delivery_type>_cancel_pickup(pickup))."""
        self.ensure_one()
        provider = self._tracking_provider_method("cancel_pickup")
        if provider:
            provider(pickup)

    def _pickup_default_windows(self, pickings):
        """Windows from the cut-off hour, in the warehouse's time zone: today's
        before the cut-off, else tomorrow's, and the day after it."""
        self.ensure_one()
        tz = pytz.timezone(self._pickup_tz(pickings))
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        cutoff = timedelta(hours=self.pickup_cutoff_hour)
        first_day = now.date()
        if now.replace(tzinfo=None) >= datetime.combine(first_day, time()) + cutoff:
            first_day += timedelta(days=1)
        windows = []
        for offset in range(DEFAULT_WINDOW_DAYS):
            day = datetime.combine(first_day + timedelta(days=offset), time())
            start = tz.localize(day + cutoff)
            end = start + timedelta(hours=self.pickup_window_hours)
            windows.append(
                {
                    "start": start.astimezone(pytz.utc).replace(tzinfo=None),
                    "end": end.astimezone(pytz.utc).replace(tzinfo=None),
                }
            )
        return windows

    @api.model
    def _pickup_tz(self, pickings):
        """The time zone of the place the parcels leave from."""
        warehouse = pickings[:1].picking_type_id.warehouse_id
        company = pickings[:1].company_id or self.env.company
        return (
            warehouse.partner_id.tz
            or company.partner_id.tz
            or self.env.user.tz
            or "UTC"
        )
