"""How a courier's promise is read and when a parcel kept it. Plain Python (no
ORM): the one place for these rules, tested alone."""

import re
from datetime import timedelta, timezone

# What a checkout quotes: "1 - 2 days", "2 days", "1 - 3 Hours", "1 - 2 hari"
# (Indonesian), "8 - 12 jam". The highest number is the promise.
PROMISE_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")
PROMISE_UNITS = (
    (("hour", "jam"), 1 / 24),
    (("week", "minggu"), 7.0),
)
# Events that say the courier has the parcel (the first of them is the
# pickup): a courier that never reports "picked up" still moves it along.
PICKUP_STATES = ("picked_up", "in_transit", "out_for_delivery")
# A parcel's punctuality once delivered: kept or broke its promise.
ON_TIME, LATE = "on_time", "late"


def promise_days(text):
    """The upper bound of a quoted delivery time, in days ("1 - 2 days" ->
    2.0, "1 - 3 Hours" -> 0.125, "2 hari" -> 2.0); None when the text names
    no time. A number without a known unit counts in days, as couriers
    quote."""
    numbers = [
        float(number.replace(",", "."))
        for number in PROMISE_NUMBER_RE.findall(str(text or ""))
    ]
    if not numbers or max(numbers) <= 0:
        return None
    lowered = str(text).lower()
    factor = next(
        (factor for words, factor in PROMISE_UNITS if any(w in lowered for w in words)),
        1.0,
    )
    return max(numbers) * factor


def punctuality(start, delivered, days, tz=timezone.utc):
    """ON_TIME or LATE for a parcel handed to the courier at `start` and
    delivered at `delivered` (naive UTC datetimes, as Odoo stores them)
    under a promise of `days`; None when one of them is unknown.

    A promise in days is kept when the delivery's date is at most that many
    calendar days after the start's date in `tz` (the shop's time zone):
    "1 - 2 days" from a Monday evening pickup means by Wednesday, whatever
    the hour. A promise under a day ("1 - 3 hours") is kept within that
    time."""
    if not (start and delivered and days):
        return None
    if days >= 1:

        def local(moment):
            return moment.replace(tzinfo=timezone.utc).astimezone(tz).date()

        elapsed = (local(delivered) - local(start)).days
        return ON_TIME if elapsed <= days else LATE
    return ON_TIME if delivered - start <= timedelta(days=days) else LATE


def badge_choice(rows, state_id, minimum):
    """The figures a checkout badge shows for one courier service, from its
    rows (state_id, judged deliveries, on-time deliveries): those of the
    customer's province when it has at least `minimum` deliveries, else the
    whole country's when it has, else None. Returns (rate in %, deliveries,
    province or False)."""
    for province in (row for row in rows if state_id and row[0] == state_id):
        if province[1] >= minimum:
            return 100.0 * province[2] / province[1], province[1], state_id
    judged = sum(row[1] for row in rows)
    if judged >= minimum:
        return 100.0 * sum(row[2] for row in rows) / judged, judged, False
    return None
