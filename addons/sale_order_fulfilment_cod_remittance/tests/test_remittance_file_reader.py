"""Reading remittance files on its own: plain unittest, no database."""

import codecs
import unittest
from datetime import date

from odoo.addons.sale_order_fulfilment_cod_remittance.remittance_file import (
    GENERIC,
    FileError,
    FileFormat,
    parse_amount,
    parse_rows,
)

HEADER = "reference,order id,amount,cod fee,shipping fee,paid date"

OTHER = FileFormat(
    name="A carrier's export",
    order_columns=("awb",),
    columns={"amount": ("cod value",), "net": ("paid out",)},
)


class TestReader(unittest.TestCase):
    def problem(self, content, filename="payout.csv"):
        with self.assertRaises(FileError) as caught:
            parse_rows(content, filename)
        return caught.exception.problem

    def test_generic_csv(self):
        content = f"{HEADER}\nWD-1,S00042,150.000,4.500,0,20/11/2026\n".encode()
        rows, problems = parse_rows(content, "payout.csv")
        self.assertEqual(problems, [])
        (row,) = rows
        self.assertEqual(
            (row.reference, row.keys, row.amount, row.cod_fee, row.paid_date),
            ("WD-1", ("S00042",), 150000.0, 4500.0, date(2026, 11, 20)),
        )
        self.assertIsNone(row.net)

    def test_nul_byte_names_its_line(self):
        content = f"{HEADER}\nWD-1,S00042,1000,0,0,2026-11-20\nWD-1,S0\x0043,1"
        problem = self.problem(content.encode())
        self.assertEqual((problem.code, problem.line), ("nul_byte", 3))

    def test_bytes_that_are_not_utf8(self):
        content = f"{HEADER}\nWD-1,S00042,1000,0,0,2026-11-20\n".encode()
        problem = self.problem(content + "Café,S1,1,0,0,".encode("latin-1"))
        self.assertEqual(
            (problem.code, problem.line, problem.params),
            ("not_utf8", 3, {"byte": "0xE9"}),
        )

    def test_utf16_with_its_mark_is_text(self):
        """Excel's "Unicode Text": UTF-16, tab separated."""
        text = "reference\torder id\tamount\nWD-1\tS00042\t1000\n"
        content = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        rows, problems = parse_rows(content, "payout.txt")
        self.assertEqual((problems, rows[0].keys), ([], ("S00042",)))

    def test_unreadable_cells_are_row_problems(self):
        content = f"{HEADER}\nWD-1,S00042,abc,0,0,2026-11-20\nWD-1,,1,0,0,\n"
        rows, problems = parse_rows(content.encode(), "payout.csv")
        self.assertEqual(rows, [])
        self.assertEqual(
            [(p.code, p.line, p.params) for p in problems],
            [("not_amount", 2, {"value": "abc"}), ("no_order", 3, {})],
        )

    def test_missing_columns(self):
        self.assertEqual(
            self.problem(b"reference,order id\nR,S1").code, "no_amount_column"
        )
        self.assertEqual(self.problem(b"reference,amount\nR,1").code, "no_order_column")
        self.assertEqual(self.problem(b"\n\n").code, "empty")

    def test_the_format_recognising_most_columns_wins(self):
        content = b"AWB;COD Value;Paid Out\nJNE001;150.000;145.000\n"
        with self.assertRaises(FileError):
            parse_rows(content, "x.csv")  # the generic format alone
        rows, problems = parse_rows(content, "x.csv", [GENERIC, OTHER])
        self.assertEqual(problems, [])
        self.assertEqual((rows[0].keys, rows[0].net), (("JNE001",), 145000.0))

    def test_amounts(self):
        for text, amount in [
            ("150000", 150000.0),
            ("150.000", 150000.0),
            ("Rp 150.000,50", 150000.5),
            ("1,234.56", 1234.56),
            ("-", 0.0),
        ]:
            self.assertEqual(parse_amount(text), amount, text)
        with self.assertRaises(ValueError):
            parse_amount("12abc")
