"""A provider's request budget: the maths, in plain Python (no ORM). The
budget's state lives in one database row per provider account (see
delivery.carrier.rate.budget), so every worker and server shares it.

The budget spaces requests evenly, `rate` per second (the generic cell rate
algorithm, without burst): a reservation of n requests gets n slots
slot_interval(rate) apart, starting at the account's next free slot.
Requests sent at their slots never exceed `rate` in any one-second window,
whoever sends them.
"""

import threading
import time

# Slots exactly 1/rate apart put rate + 1 requests in a closed one-second
# window (at t and t + 1), and a request that leaves a few milliseconds late
# after one that left on time puts rate + 1 in a sliding second of the
# provider (seen in bench_two_servers: 5 in one second at 4/s). Every `rate`
# slots span 1 + SLOT_SLACK seconds: rate + 1 requests need more than one
# second even when their times drift apart by up to SLOT_SLACK / 2 each.
SLOT_SLACK = 0.05


def slot_interval(rate):
    """Seconds between two slots at `rate` requests per second."""
    return (1.0 + SLOT_SLACK) / rate


def reserve_slots(now, next_slot, blocked_until, rate, count, max_wait):
    """Reserve `count` request slots at `rate` per second.

    :param now: the shared clock's time (seconds)
    :param next_slot: the account's next free slot (seconds), or None
    :param blocked_until: no request before this time (a provider's
        Retry-After), or None
    :param max_wait: the longest wait before the first slot the caller
        accepts
    :return: (wait, new_next_slot): seconds from `now` to the first slot and
        the account's next free slot after these, or (None, next_slot) when
        the first slot is further than `max_wait` (nothing reserved)
    """
    if rate <= 0 or count <= 0:
        raise ValueError(f"rate and count must be positive, got {rate}, {count}")
    start = max(now, next_slot or now, blocked_until or now)
    wait = start - now
    if wait > max_wait:
        return None, next_slot
    return wait, start + count * slot_interval(rate)


class RequestPacer:
    """Sends reserved slots' requests at their times, from several threads:
    each wait() sleeps until the next slot and returns True, or returns False
    at once when the slots are used up or the provider said to stop (stop())."""

    def __init__(self, wait, rate, count, clock=time.monotonic, sleep=time.sleep):
        self._first = clock() + wait
        self._interval = slot_interval(rate)
        self._count = count
        self._taken = 0
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self.retry_after = None

    def wait(self):
        with self._lock:
            if self.retry_after is not None or self._taken >= self._count:
                return False
            slot = self._first + self._taken * self._interval
            self._taken += 1
        delay = slot - self._clock()
        if delay > 0:
            self._sleep(delay)
        # a stop() that came while this one slept holds too
        return self.retry_after is None

    def stop(self, retry_after):
        """The provider answered "too many requests": no more requests of
        these slots; `retry_after` seconds (0 when it did not say)."""
        with self._lock:
            self.retry_after = max(self.retry_after or 0.0, retry_after or 0.0)


class RateLimited(Exception):
    """A request not sent, or refused, because the provider's rate limit is
    reached: try again in `retry_after` seconds."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after
