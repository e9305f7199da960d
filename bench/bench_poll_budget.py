"""Benchmark: an hour of tracking polls at N active Biteship shipments, polling
everything vs. polling within the request budget only what webhooks left silent.

Both ways run the generic poll cron (``_cron_tracking_update``, batch after
batch) against the Biteship stand-in enforcing Biteship's rate limit
(``--limit`` requests/s, 429 above it) with ``--latency`` seconds per answer:

- **poll everything** (before issue 22): each shipment polled every
  ``--interval`` minutes whatever webhooks said, as fast as the parallel
  requests go (no budget: the method's rate set to 1,000,000/s);
- **budget + interval**: the method's budget ``--rate`` requests/s (shared
  database row), and a shipment polled only when its last carrier news
  (webhook or poll) is older than ``--interval`` minutes.

Each way starts in its own steady state (see start_state). Simulated time:
the hour is ``--minutes`` / ``--step`` steps. Each step
moves every shipment's timestamps back by ``--step`` minutes (the clock
advancing), gives a webhook to each shipment with the probability that makes
``--webhook-share`` of them get one within an interval (the same random draw
for both ways), then runs the cron until nothing is due. The polls run in
real time at the real rate; only the idle rest of each step is skipped.
Measured: requests per simulated hour, 429 answers, the most requests the
stand-in received in any one second (real time), the oldest shipment's
staleness (minutes since its last news, simulated) at the end of each step.

Usage: .venv/bin/python bench/bench_poll_budget.py --db DB --conf odoo.conf
       [--count 10000] [--minutes 60] [--step 5] [--interval 60]
       [--webhook-share 0.7] [--rate 40] [--limit 50] [--latency 0.05]

The database needs delivery_biteship installed. The shipments are created
once, in one transaction rolled back at the end; each way is undone after it
ran (savepoint).
"""

import math
import random
import time
from datetime import timedelta

from bench_tracking_poll import API_KEY, make_shipments
from common import load_registry, parse_args, superuser_env
from odoo import fields

NO_BUDGET = 1_000_000.0


def shift_clock(env, ids, minutes):
    """The clock advances `minutes`: every timestamp of the shipments moves
    back as much."""
    env.flush_all()
    env.cr.execute(
        """UPDATE stock_picking
              SET tracking_next_poll_at = tracking_next_poll_at - %(step)s,
                  tracking_last_news_at = tracking_last_news_at - %(step)s
            WHERE id IN %(ids)s""",
        {"step": timedelta(minutes=minutes), "ids": tuple(ids)},
    )
    env.invalidate_all()


def staleness(env, ids):
    """Minutes since the oldest last news of the shipments still active."""
    env.flush_all()
    env.cr.execute(
        """SELECT extract(epoch FROM (clock_timestamp() AT TIME ZONE 'UTC')
                                     - min(tracking_last_news_at)) / 60
             FROM stock_picking
            WHERE id IN %s AND shipment_state NOT IN ('delivered', 'cancelled')""",
        (tuple(ids),),
    )
    return env.cr.fetchone()[0] or 0.0


def start_state(env, ids, args, budget, rng):
    """Each way's steady state. Polling everything: the last poll (and news)
    spread evenly over the last interval, the next one interval after it.
    With the interval: a shipment's news is as old as webhooks (a Poisson
    stream giving `webhook_share` of them one within an interval) left it,
    at most one interval (then it was polled); the next poll one interval
    after that news."""
    interval = args.interval
    rate = -math.log(1 - args.webhook_share) / interval  # webhooks per minute
    ages = []
    for _pid in ids:
        draw = rng.random()
        if budget:  # truncated exponential on [0, interval]
            ages.append(-math.log(1 - draw * args.webhook_share) / rate)
        else:
            ages.append(draw * interval)
    env.flush_all()
    env.cr.execute(
        """UPDATE stock_picking p
              SET tracking_last_news_at = (clock_timestamp() AT TIME ZONE 'UTC')
                      - v.age * interval '1 minute',
                  tracking_next_poll_at = (clock_timestamp() AT TIME ZONE 'UTC')
                      + (%s - v.age) * interval '1 minute'
             FROM unnest(%s, %s) AS v(id, age)
            WHERE p.id = v.id""",
        (interval, list(ids), ages),
    )
    env.invalidate_all()


def run_way(env, server, args, carrier, pickings, budget):
    """One way over the simulated hour, undone at the end (savepoint)."""
    from odoo.addons.delivery_biteship.tests.biteship_server import max_in_window

    env.flush_all()
    env.cr.execute("SAVEPOINT bench_way")
    carrier.write(
        {
            "biteship_poll_workers": args.workers,
            "tracking_poll_interval": args.interval,
            "tracking_request_rate": args.rate if budget else NO_BUDGET,
        }
    )
    ids = pickings.ids
    rng = random.Random(22)  # the same draws for both ways
    start_state(env, ids, args, budget, rng)
    webhook_chance = 1 - (1 - args.webhook_share) ** (args.step / args.interval)
    Picking = env["stock.picking"]
    server.latency = args.latency
    first_request = len(server.request_times)
    throttled = server.throttled
    requests = server.requests
    stale, poll_seconds, webhooks = [], 0.0, 0
    for _step in range(args.minutes // args.step):
        shift_clock(env, ids, args.step)
        news = [pid for pid in ids if rng.random() < webhook_chance]
        webhooks += len(news)
        if budget:
            Picking.browse(news)._tracking_note_news()
        else:  # before: a webhook did not move the poll
            Picking.browse(news).write({"tracking_last_news_at": fields.Datetime.now()})
        start = time.perf_counter()
        while Picking._cron_tracking_update(batch_size=200):
            env.invalidate_all()
        poll_seconds += time.perf_counter() - start
        stale.append(staleness(env, ids))
    times = server.request_times[first_request:]
    row = {
        "way": "budget + interval" if budget else "poll everything",
        "requests": (server.requests - requests) * 60 / args.minutes,
        "throttled": server.throttled - throttled,
        "max_per_s": max_in_window(times),
        "webhooks": webhooks * 60 / args.minutes,
        "stale_max": max(stale),
        "stale_end": stale[-1],
        "poll_s": poll_seconds,
    }
    server.latency = 0.0
    env.flush_all()
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_way")
    env.invalidate_all()
    return row


def main():
    args = parse_args(
        __doc__,
        count=(int, 10000),
        minutes=(int, 60),
        step=(int, 5),
        interval=(int, 60),
        webhook_share=(float, 0.7),
        rate=(float, 40.0),
        limit=(int, 50),
        latency=(float, 0.05),
        workers=(int, 8),
    )
    registry = load_registry(args)
    from odoo.addons.delivery_biteship.tests.biteship_server import BiteshipStandIn

    server = BiteshipStandIn(api_key=API_KEY).start()
    server.rate_limit = args.limit
    try:
        with registry.cursor() as cr:
            env = superuser_env(cr)
            # the same shipments for both ways (each undone after it ran)
            carrier, pickings = make_shipments(env, server, args.count)
            rows = [
                run_way(env, server, args, carrier, pickings, budget)
                for budget in (False, True)
            ]
            cr.rollback()
    finally:
        server.stop()
    print(
        f"\nTracking polls over {args.minutes} simulated minutes (steps of "
        f"{args.step}): {args.count} active Biteship shipments, poll interval "
        f"{args.interval} min, {args.webhook_share:.0%} with a webhook within "
        f"it, stand-in limit {args.limit}/s (429 above), latency "
        f"{args.latency * 1000:.0f} ms, budget {args.rate:g}/s"
    )
    print(
        "way               | requests/h | webhooks/h | 429s | max req in 1 s | "
        "oldest news, max (min) | at end (min) | poll time (s)"
    )
    for row in rows:
        print(
            f"{row['way']:<17} | {row['requests']:>10.0f} | {row['webhooks']:>10.0f} "
            f"| {row['throttled']:>4} | {row['max_per_s']:>14} | "
            f"{row['stale_max']:>22.1f} | {row['stale_end']:>12.1f} | "
            f"{row['poll_s']:>13.1f}"
        )
    old, new = rows
    print(
        f"requests/h: {new['requests'] / old['requests']:.0%} of polling everything; "
        f"budget {args.rate:g}/s"
    )
    assert new["max_per_s"] <= args.rate, "above the budget in some second"
    assert new["throttled"] == 0, "429 with the budget"
    assert new["stale_max"] <= args.interval + 2 * args.step, "a shipment left stale"


if __name__ == "__main__":
    main()
