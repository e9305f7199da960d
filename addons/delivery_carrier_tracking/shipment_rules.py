"""How shipments move: states, their order, the rules that move them and the
scheduler's timings. Plain Python (no ORM), so each rule is written once and
can be tested alone."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

SHIPMENT_STATES = [
    ("label_pending", "Label Pending"),
    ("label_created", "Label Created"),
    ("picked_up", "Picked Up"),
    ("in_transit", "In Transit"),
    ("out_for_delivery", "Out for Delivery"),
    ("delivered", "Delivered"),
    ("exception", "Exception"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]
# Shipments the carrier still moves: the poll cron asks about these.
ACTIVE_SHIPMENT_STATES = (
    "label_created",
    "picked_up",
    "in_transit",
    "out_for_delivery",
    "exception",
)
# The order of a parcel's progress: carrier events only move a shipment
# forward along it (see shipment_state_after).
SHIPMENT_PROGRESS = (
    "label_pending",
    "label_created",
    "picked_up",
    "in_transit",
    "out_for_delivery",
    "delivered",
)
# Carrier statuses (as sent, lower case) saying the parcel is on its way back
# to the shop while its shipment state is still another (a provider whose
# words differ answers <delivery_type>_tracking_return_status_codes).
RETURN_STATUS_CODES = ("return_in_transit", "returned")
# What a carrier may report: "label pending" is ours (the send path sets it
# and the scheduler retries it), never a carrier's.
CARRIER_STATES = tuple(
    state for state, _label in SHIPMENT_STATES if state != "label_pending"
)
# How far ahead of our clock a carrier's time may be (webhook timestamps,
# event times): an event dated later is recorded at its arrival time.
MAX_CLOCK_SKEW = timedelta(seconds=300)
TRACKING_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./ ]*$")
TRACKING_NUMBER_MAX = 64
CONTROL_CHARS_RE = re.compile(r"[\x00-\x1f\x7f]")
# Default of a carrier's poll interval (tracking_poll_interval).
POLL_INTERVAL = timedelta(hours=1)
# How long a provider that answered "too many requests" without saying until
# when (no Retry-After) is left alone.
RATE_LIMIT_PAUSE = timedelta(seconds=10)
# The longest a scheduler run waits for its turn in a provider's request
# budget (other workers' reservations, a Retry-After) before it leaves that
# provider to a later run: a cron thread is not spent sleeping.
BUDGET_MAX_WAIT = 10.0
# Deliveries of an account left without budget in a run: due again after this
BUDGET_DEFER = timedelta(minutes=1)
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(days=1)
# Consecutive failed polls (about half a day with the back-off) before a
# person is asked to look: a carrier's short outage is not worth an activity.
POLL_FAILURES_WARN = 8
# Share of Odoo's real time limit of a cron run (limit_time_real_cron, else
# limit_time_real) the scheduler spends before it stops taking new work.
CRON_TIME_SHARE = 0.25
CRON_TIME_DEFAULT = 60.0  # seconds, when the server has no limit


def shipment_state_after(state, event_state, stale=False, progress=False):
    """The shipment state once a carrier reports `event_state`: the one place
    that says how events move a parcel.

    - Progress only goes forward along SHIPMENT_PROGRESS (label created <
      picked up < in transit < out for delivery < delivered): an older event
      arriving late never moves a shipment back.
    - An exception or a cancellation is news only when it is not `stale`
      (older than the newest event already recorded); it never follows
      delivered.
    - A newer progress event ends an exception, back to the furthest
      `progress` known.
    - Returned is final and may follow delivered; cancelled is final.
    """
    if state in ("returned", "cancelled"):
        return state
    if event_state in SHIPMENT_PROGRESS:
        if state == "exception":
            if stale:
                return state
            state = progress
        if state not in SHIPMENT_PROGRESS:  # no shipment state yet
            return event_state
        return max(state, event_state, key=SHIPMENT_PROGRESS.index)
    if event_state == "returned":
        return event_state
    if stale or state == "delivered":
        return state
    return event_state


def delivery_shipment_state(parcel_states):
    """The state of a delivery from those of its parcels: what the shop has
    to act on first, and "delivered" only once every parcel is.

    - No parcel with a state: none (False).
    - Every parcel cancelled: cancelled; cancelled parcels are left out of
      the rules below otherwise.
    - A label pending (booking is per delivery): label pending.
    - A parcel in exception: exception.
    - Some parcels still on their way: the least advanced of them.
    - All arrived: returned if any came back, else delivered.
    """
    states = [state for state in parcel_states if state]
    if not states:
        return False
    live = [state for state in states if state != "cancelled"]
    if not live:
        return "cancelled"
    for state in ("label_pending", "exception"):
        if state in live:
            return state
    moving = [state for state in live if state not in ("delivered", "returned")]
    if moving:
        return min(moving, key=SHIPMENT_PROGRESS.index)
    return "returned" if "returned" in live else "delivered"


def tracking_backoff(failures):
    """Delay before the next attempt after `failures` consecutive failures."""
    return min(BACKOFF_BASE * (2 ** max(failures - 1, 0)), BACKOFF_MAX)


def tracking_event_text(value, size):
    """A carrier's text as one plain line of at most `size` characters.

    Stored as plain text, never as HTML: pages and mails escape it when they
    render it (QWeb t-out/t-field). Control characters go (PostgreSQL refuses
    NUL) and whitespace runs shrink to one space (one line in a timeline)."""
    return " ".join(CONTROL_CHARS_RE.sub(" ", str(value or "")).split())[:size]


def split_tracking_numbers(value):
    """The numbers of a comma-separated carrier_tracking_ref (one per
    parcel), stripped, empty ones left out: the one place that parses it."""
    numbers = (number.strip() for number in str(value or "").split(","))
    return [number for number in numbers if number]


def is_web_url(url):
    """Whether `url` is an http(s) link with a host: the only links a page or
    mail shows (a carrier's javascript: or relative link would run or
    mislead there)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)
