"""The scorecard's rules alone (no database): promises as checkouts quote
them, punctuality in the shop's calendar days, the badge's choice."""

import unittest
from datetime import datetime

import pytz
from odoo.addons.delivery_carrier_scorecard.scorecard_rules import (
    LATE,
    ON_TIME,
    badge_choice,
    promise_days,
    punctuality,
)

WIB = pytz.timezone("Asia/Jakarta")


def utc(text, tz=WIB):
    """A local time as Odoo stores it (naive UTC)."""
    local = tz.localize(datetime.fromisoformat(text))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class TestPromise(unittest.TestCase):
    def test_quoted_texts(self):
        for text, days in [
            ("1 - 2 days", 2.0),
            ("2 - 3 days", 3.0),
            ("1 - 1 days", 1.0),
            ("4 days", 4.0),
            ("1 - 3 Hours", 0.125),
            ("8 - 12 hours", 0.5),
            ("1 - 2 hari", 2.0),
            ("6 - 8 jam", 1 / 3),
            ("1 - 2 minggu", 14.0),
            ("3", 3.0),
        ]:
            with self.subTest(text=text):
                self.assertAlmostEqual(promise_days(text), days)

    def test_no_promise(self):
        for text in ("", None, "Same day", "0 days", False):
            with self.subTest(text=text):
                self.assertIsNone(promise_days(text))


class TestPunctuality(unittest.TestCase):
    def test_calendar_days_in_the_shop_time_zone(self):
        # picked up Monday 20:00 in Jakarta (13:00 UTC), promise 1 - 2 days
        start = utc("2026-11-02 20:00")
        self.assertEqual(punctuality(start, utc("2026-11-04 23:30"), 2.0, WIB), ON_TIME)
        self.assertEqual(punctuality(start, utc("2026-11-05 00:30"), 2.0, WIB), LATE)
        # the same moments counted in UTC days: Thursday 00:30 WIB is still
        # Wednesday 17:30 UTC
        self.assertEqual(
            punctuality(start, utc("2026-11-05 00:30"), 2.0, pytz.utc), ON_TIME
        )

    def test_hours(self):
        start = utc("2026-11-02 10:00")
        self.assertEqual(punctuality(start, utc("2026-11-02 13:00"), 0.125), ON_TIME)
        self.assertEqual(punctuality(start, utc("2026-11-02 13:01"), 0.125), LATE)

    def test_unknown(self):
        start = utc("2026-11-02 10:00")
        self.assertIsNone(punctuality(start, None, 2.0))
        self.assertIsNone(punctuality(None, start, 2.0))
        self.assertIsNone(punctuality(start, start, 0.0))


class TestBadgeChoice(unittest.TestCase):
    JB, JT = 11, 12

    def test_province_first_then_country(self):
        rows = [(self.JB, 30, 27), (self.JT, 10, 5), (False, 5, 5)]
        self.assertEqual(badge_choice(rows, self.JB, 30), (90.0, 30, self.JB))
        # too few to Jawa Tengah: the whole country's 37 of 45
        rate, count, province = badge_choice(rows, self.JT, 30)
        self.assertAlmostEqual(rate, 100 * 37 / 45)
        self.assertEqual((count, province), (45, False))

    def test_not_enough(self):
        self.assertIsNone(badge_choice([(self.JB, 29, 29)], self.JB, 30))
        self.assertIsNone(badge_choice([], self.JB, 1))
