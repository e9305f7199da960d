from odoo.tests import BaseCase, tagged

from ..freight_rules import (
    change_reasons,
    clean_amount,
    complete_breakdown,
    exceeds_threshold,
    report_key,
)


@tagged("post_install", "-at_install")
class TestFreightRules(BaseCase):
    """The pure rules, without a database."""

    def test_breakdown_adds_up_to_the_price(self):
        # Biteship's booking answer (orders/create docs): no shipment fee
        self.assertEqual(
            complete_breakdown(48000, {"cod_fee": 20000, "insurance_fee": 2500}),
            {
                "shipping_fee": 25500,
                "cod_fee": 20000,
                "insurance_fee": 2500,
                "proof_of_delivery_fee": 0.0,
                "return_fee": 0.0,
                "other_fee": 0,
            },
        )
        # order.price docs example: its parts exceed its price
        parts = {
            "shipping_fee": 10000,
            "cod_fee": 100000,
            "proof_of_delivery_fee": 2000,
        }
        breakdown = complete_breakdown(100000, parts)
        self.assertEqual(breakdown["other_fee"], -12000)
        self.assertEqual(sum(breakdown.values()), 100000)
        # only a total: all of it is shipping
        self.assertEqual(complete_breakdown(16000, {})["shipping_fee"], 16000)

    def test_breakdown_of_a_parcel_coming_back(self):
        parts = {"shipping_fee": 20000, "cod_fee": 0}
        # what the parts leave over is the return postage, only when returning
        self.assertEqual(complete_breakdown(30000, parts)["other_fee"], 10000)
        back = complete_breakdown(30000, parts, returning=True)
        self.assertEqual((back["return_fee"], back["other_fee"]), (10000, 0.0))
        # a carrier naming its return postage is taken at its word
        named = complete_breakdown(30000, {**parts, "return_fee": 8000}, returning=True)
        self.assertEqual((named["return_fee"], named["other_fee"]), (8000, 2000))
        # parts adding up to more: no return postage is made up
        self.assertEqual(
            complete_breakdown(15000, parts, returning=True)["return_fee"], 0.0
        )

    def test_reasons_largest_first(self):
        before = complete_breakdown(16000, {"cod_fee": 500})
        after = complete_breakdown(
            100000, {"shipping_fee": 90000, "cod_fee": 3000, "insurance_fee": 7000}
        )
        self.assertEqual(
            change_reasons(before, after, 1.0), ["weight", "insurance", "cod_fee"]
        )
        self.assertEqual(change_reasons(before, before, 1.0), [])
        # half a rounding unit is no change; a weight the carrier gives is
        self.assertEqual(
            change_reasons(before, dict(before, cod_fee=500.4), 1.0, (2.0, 3.5)),
            ["weight"],
        )

    def test_threshold(self):
        # every limit set must be exceeded; none set: never
        self.assertFalse(exceeds_threshold(84000, 16000, 0, 0))
        self.assertTrue(exceeds_threshold(84000, 16000, 0, 10))
        self.assertFalse(exceeds_threshold(1000, 16000, 0, 10))
        self.assertFalse(exceeds_threshold(84000, 16000, 100000, 10))
        self.assertTrue(exceeds_threshold(-84000, 100000, 5000, 10))
        # from nothing booked, any change is over a percentage
        self.assertTrue(exceeds_threshold(500, 0, 0, 10))
        self.assertFalse(exceeds_threshold(0, 0, 0, 10))

    def test_key_and_amounts(self):
        breakdown = complete_breakdown(27000, {})
        self.assertEqual(
            report_key(27000, breakdown, None), report_key(27000.0, breakdown, None)
        )
        self.assertNotEqual(
            report_key(27000, breakdown, None), report_key(27000, breakdown, 3.0)
        )
        self.assertIsNone(clean_amount(None))
        self.assertEqual(clean_amount(12), 12.0)
        for bad in ("12", True, [1]):
            with self.assertRaises(TypeError):
                clean_amount(bad)
        for bad in (float("nan"), float("inf")):
            with self.assertRaises(ValueError):
                clean_amount(bad)
