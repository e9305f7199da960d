"""Every payload captured outside the project is a test input: each file of
shared/biteship_real_payloads has its expected outcome written in one of the
replay tables (tracking side, booking side)."""

from odoo.tests import BaseCase, tagged

from .common import REAL_PAYLOADS
from .test_real_payloads_booking import BOOKING_PAYLOADS
from .test_real_payloads_tracking import TRACKING_PAYLOADS


@tagged("post_install", "-at_install")
class TestEveryRealPayload(BaseCase):
    def test_every_file_has_an_expected_outcome(self):
        files = {path.name for path in REAL_PAYLOADS.glob("*.json")}
        self.assertGreaterEqual(len(files), 39, REAL_PAYLOADS)
        tables = set(TRACKING_PAYLOADS) | set(BOOKING_PAYLOADS)
        self.assertEqual(files - tables, set(), "payloads without an expected outcome")
        self.assertEqual(tables - files, set(), "expected outcomes without a payload")
