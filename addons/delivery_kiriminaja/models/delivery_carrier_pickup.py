from datetime import datetime

import pytz
from odoo import models
from odoo.exceptions import UserError

from ..kiriminaja import KiriminAjaError

# KiriminAja's schedule clock is Jakarta time (WIB), as its pickup times in
# /docs/express/schedule and the dashboard are.
KIRIMINAJA_TZ = pytz.timezone("Asia/Jakarta")


class DeliveryCarrier(models.Model):
    """Courier pickups (delivery_carrier_tracking's delivery.pickup) for
    KiriminAja: the windows are KiriminAja's own pickup schedules. Its pickup
    is requested with each booking (request_pickup's schedule), so the
    generic scheduling calls nothing more (no <type>_schedule_pickup)."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def kiriminaja_pickup_windows(self, pickings):  # pylint: disable=unused-argument
        """KiriminAja's open schedules (no holiday, not expired) as windows:
        from `clock` to the same day's `until`, the clock as reference.
        Instant couriers have none: a driver comes as soon as one takes the
        booking (/docs/instant/pickup)."""
        if self._kiriminaja_instant():
            raise UserError(
                self.env._(
                    "%(method)s: KiriminAja's instant couriers come for each "
                    "parcel as soon as a driver takes the booking; there is no "
                    "pickup to schedule.",
                    method=self.name,
                )
            )
        try:
            schedules = self._kiriminaja_open_schedules(self._kiriminaja_client())
        except KiriminAjaError as error:
            raise UserError(
                self.env._(
                    "KiriminAja did not give its pickup schedules: %(error)s",
                    error=error,
                )
            ) from error
        windows = []
        for schedule in schedules:
            clock = str(schedule.get("clock") or "")
            try:
                start = datetime.strptime(clock, "%Y-%m-%d %H:%M:%S")
                end = datetime.strptime(
                    f"{start:%Y-%m-%d} {schedule.get('until')}", "%Y-%m-%d %H:%M"
                )
            except ValueError:
                continue  # a window we cannot read is not offered
            windows.append(
                {
                    "start": self._kiriminaja_utc(start),
                    "end": self._kiriminaja_utc(end),
                    "reference": clock,
                    "label": self.env._("KiriminAja pickup"),
                }
            )
        return windows

    @staticmethod
    def _kiriminaja_utc(local):
        return KIRIMINAJA_TZ.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
