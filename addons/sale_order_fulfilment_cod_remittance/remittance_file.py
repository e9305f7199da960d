"""Reading a remittance file (CSV or Excel) into rows. Plain Python, no Odoo
and no database.

A file is read with one of the `FileFormat`s it is given: this module's own
(`GENERIC`, readme/USAGE.md) and those provider bridges add through the hook
`cod.remittance._cod_remittance_formats`. Columns are found by their header,
case, spaces, dashes and underscores ignored; the format that recognises the
most columns wins.

Bad bytes (NUL, text that is not UTF-8) stop the file with the line they are
on; errors are `Problem`s (a code and its values), worded by the caller.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from .remittance_plan import Problem, Row

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d %B %Y",
)


@dataclass(frozen=True)
class FileFormat:
    """The headers of a payout file's layout (normalized: lower case, single
    spaces). `columns` maps reference, amount, cod_fee, shipping_fee,
    paid_date and net to their accepted headers; `order_columns` are the
    columns that may name the order, tried in this order for each row."""

    name: str
    order_columns: tuple
    columns: dict


GENERIC = FileFormat(
    name="COD payout CSV",
    order_columns=(
        "order id",
        "order",
        "order reference",
        "order name",
        "tracking number",
        "waybill",
    ),
    columns={
        "reference": ("reference", "payout reference", "payout id", "remittance id"),
        "amount": ("amount", "collected amount"),
        "cod_fee": ("cod fee",),
        "shipping_fee": ("shipping fee", "shipping cost"),
        "paid_date": ("paid date", "date"),
        "net": ("net", "net amount", "paid out"),
    },
)


class FileError(ValueError):
    """A file that cannot be read at all (not one row's problem)."""

    def __init__(self, problem):
        super().__init__(problem.code)
        self.problem = problem


def normalize_header(header):
    return re.sub(r"[\s_\-]+", " ", str(header or "")).strip().lower()


def _line_of(content, offset, newline=b"\n"):
    return content.count(newline, 0, offset) + 1


def decode(content):
    """The text of a CSV file: UTF-8 (with or without its byte-order mark)
    or UTF-16 with its byte-order mark (Excel's "Unicode Text")."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as error:
            line = content[: error.start].decode("utf-16", "replace").count("\n") + 1
            raise FileError(Problem("not_utf16", line)) from error
    else:
        # A NUL byte is binary data or UTF-16 without its mark: refused
        # before the CSV reader or the database meet it.
        nul = content.find(b"\x00")
        if nul >= 0:
            raise FileError(Problem("nul_byte", _line_of(content, nul)))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            start = error.start + (3 if content.startswith(codecs.BOM_UTF8) else 0)
            raise FileError(
                Problem(
                    "not_utf8",
                    _line_of(content, start),
                    {"byte": f"0x{content[start]:02X}"},
                )
            ) from error
    nul = text.find("\x00")
    if nul >= 0:
        raise FileError(Problem("nul_byte", text.count("\n", 0, nul) + 1))
    return text


def read_table(content, filename):
    """Header and rows (lists of cells) of a CSV or .xlsx file."""
    if (filename or "").lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    text = decode(content)
    first = text.splitlines()[0] if text.strip() else ""
    # Indonesian spreadsheets often export with ";" (decimal comma).
    delimiter = max(",;\t", key=first.count)
    table = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise FileError(Problem("empty"))
    return table[0], table[1:]


def _read_xlsx(content):
    import openpyxl  # in Odoo's requirements; only Excel files need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        table = [
            ["" if cell is None else cell for cell in row]
            for row in book.active.iter_rows(values_only=True)
            if any(cell not in (None, "") for cell in row)
        ]
    except Exception as error:  # openpyxl raises many kinds on a bad file
        raise FileError(Problem("bad_xlsx", params={"error": str(error)})) from error
    if not table:
        raise FileError(Problem("empty"))
    return [str(cell) for cell in table[0]], table[1:]


def map_columns(header, file_format):
    """{canonical: index} and [index] of the order columns of a header."""
    normalized = [normalize_header(cell) for cell in header]
    columns = {}
    for canonical, names in file_format.columns.items():
        index = next((normalized.index(n) for n in names if n in normalized), None)
        if index is not None:
            columns[canonical] = index
    order_columns = [
        normalized.index(name)
        for name in file_format.order_columns
        if name in normalized
    ]
    return columns, order_columns


def choose_format(header, formats):
    """The format recognising the most columns of the header among those
    finding an order column and an amount; else a FileError saying what the
    closest format misses."""
    best, best_score, closest = None, -1, None
    for file_format in formats:
        columns, order_columns = map_columns(header, file_format)
        score = len(columns) + len(order_columns)
        if order_columns and "amount" in columns and score > best_score:
            best, best_score = (file_format, columns, order_columns), score
        if closest is None or score > closest[0]:
            closest = (score, file_format, columns, order_columns)
    if best:
        return best
    __, file_format, columns, order_columns = closest
    if not order_columns:
        raise FileError(
            Problem(
                "no_order_column",
                params={"columns": ", ".join(file_format.order_columns)},
            )
        )
    raise FileError(
        Problem(
            "no_amount_column",
            params={"columns": ", ".join(file_format.columns["amount"])},
        )
    )


def parse_amount(value):
    """A money amount as written in Indonesian or English exports:
    150000, 150.000, 150,000, Rp 150.000,50, 1,234.56, -."""
    if isinstance(value, int | float):
        return float(value)
    text = re.sub(r"(?i)rp|idr|\s", "", str(value or ""))
    if text in ("", "-"):
        return 0.0
    if not re.fullmatch(r"-?[\d.,]+", text):
        raise ValueError(value)
    if "." in text and "," in text:
        # the last separator is the decimal one
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif text.count(".") > 1 or text.count(",") > 1:
        text = text.replace(".", "").replace(",", "")
    else:
        separator = "." if "." in text else ","
        head, _sep, tail = text.partition(separator)
        # one separator followed by exactly three digits groups thousands
        text = head + tail if len(tail) == 3 else f"{head}.{tail}" if tail else head
    return float(text)


def parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    text = re.sub(r"(\.\d+)?(Z|[+-]\d{2}:?\d{2})$", "", text)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_rows(content, filename, formats=(GENERIC,)):
    """[Row] and [Problem] of the rows that cannot be read; a FileError when
    the file cannot be read at all."""
    header, table = read_table(content, filename)
    __, columns, order_columns = choose_format(header, formats)
    rows, problems = [], []
    for number, cells in enumerate(table, start=2):

        def cell(name, cells=cells):
            """The row's value of a column; None when empty or absent."""
            index = columns.get(name)
            value = cells[index] if index is not None and index < len(cells) else None
            return None if value is None or str(value).strip() == "" else value

        keys = tuple(
            str(cells[index]).strip()
            for index in order_columns
            if index < len(cells) and str(cells[index]).strip()
        )
        try:
            amounts = {
                name: parse_amount(cell(name)) if cell(name) is not None else None
                for name in ("amount", "cod_fee", "shipping_fee", "net")
            }
        except ValueError as error:
            problems.append(Problem("not_amount", number, {"value": error.args[0]}))
            continue
        try:
            paid_date = parse_date(cell("paid_date"))
        except ValueError as error:
            problems.append(Problem("not_date", number, {"value": error.args[0]}))
            continue
        if not keys:
            problems.append(Problem("no_order", number))
            continue
        rows.append(
            Row(
                line=number,
                keys=keys,
                amount=amounts["amount"] or 0.0,
                cod_fee=amounts["cod_fee"] or 0.0,
                shipping_fee=amounts["shipping_fee"] or 0.0,
                net=amounts["net"],
                paid_date=paid_date,
                reference=str(cell("reference") or "").strip(),
            )
        )
    return rows, problems
