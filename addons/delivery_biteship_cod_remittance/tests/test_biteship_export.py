"""Biteship's references and export layout on their own: plain unittest, no
database."""

import unittest

from odoo.addons.delivery_biteship_cod_remittance.biteship_export import (
    BITESHIP_EXPORT,
    reference_candidates,
)
from odoo.addons.sale_order_fulfilment_cod_remittance.remittance_file import (
    GENERIC,
    parse_rows,
)


class TestBiteshipExport(unittest.TestCase):
    def test_reference_candidates(self):
        # every reading; the carrier's own reference then picks the right one
        self.assertEqual(
            reference_candidates("SHOP1-WH/OUT/00012-2", {"SHOP1-"}),
            [
                ("WH/OUT/00012-2", 1),
                ("WH/OUT/00012", 2),
                ("SHOP1-WH/OUT/00012-2", 1),
                ("SHOP1-WH/OUT/00012", 2),
            ],
        )
        self.assertEqual(
            reference_candidates("WH/OUT/00012", set()), [("WH/OUT/00012", 1)]
        )
        # "-1" is never sent: the first order has no suffix
        self.assertEqual(reference_candidates("X-1", set()), [("X-1", 1)])
        self.assertEqual(reference_candidates("SHOP1-", {"SHOP1-"}), [("SHOP1-", 1)])

    def test_export_is_read_with_the_biteship_layout(self):
        content = (
            b"Order ID;Reference ID;Waybill ID;COD Amount;COD Fee;Shipping Fee;"
            b"Disbursement Amount;Disbursement Date\n"
            b"5f1a;SHOP1-WH/OUT/00012;JNE001;Rp 150.000;4.500;0;145.500;20/11/2026\n"
        )
        rows, problems = parse_rows(content, "cod.csv", [GENERIC, BITESHIP_EXPORT])
        self.assertEqual(problems, [])
        self.assertEqual(rows[0].keys, ("5f1a", "SHOP1-WH/OUT/00012", "JNE001"))
        self.assertEqual((rows[0].amount, rows[0].net), (150000.0, 145500.0))
