"""Reading a payout file (CSV or Excel) into rows: no database access here.

Columns are found by their header, case, spaces, dashes and underscores
ignored, so one reader takes both layouts documented in readme/USAGE.md: the
simple CSV (reference, order id, amount, cod fee, shipping fee, paid date) and
Biteship's dashboard export (order id / reference id / waybill id, cod amount,
cod fee, shipping fee, disbursement amount, disbursement date).
"""

import csv
import io
import re
from datetime import date, datetime

# canonical column -> accepted headers (normalized: lower case, single spaces)
COLUMNS = {
    "reference": (
        "reference",
        "payout reference",
        "payout id",
        "disbursement id",
        "withdrawal id",
        "remittance id",
    ),
    "amount": (
        "amount",
        "cod amount",
        "cod value",
        "cash on delivery",
        "cash on delivery amount",
        "collected amount",
    ),
    "cod_fee": ("cod fee", "cash on delivery fee", "cod fee amount"),
    "shipping_fee": (
        "shipping fee",
        "shipping cost",
        "shipping price",
        "shipment fee",
        "delivery fee",
    ),
    "paid_date": (
        "paid date",
        "paid at",
        "disbursement date",
        "disbursed at",
        "withdrawal date",
        "date",
    ),
    "net": (
        "net",
        "net amount",
        "disbursement amount",
        "disbursed amount",
        "amount disbursed",
    ),
}
# Columns naming the order, tried in this order for each row: ours (order or
# delivery name), then what Biteship knows it by (its order id, our
# reference_id = the delivery's name with the method's prefix, the waybill).
ORDER_COLUMNS = (
    "order id",
    "order",
    "order reference",
    "order name",
    "reference id",
    "biteship order id",
    "waybill id",
    "waybill",
    "awb",
    "tracking number",
    "tracking id",
)
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


class FileError(ValueError):
    """A file that cannot be read at all (not a row's problem)."""


def normalize_header(header):
    text = re.sub(r"[\s_\-]+", " ", str(header or "")).strip().lower()
    return text


def read_table(content, filename):
    """Header and rows (lists of strings) of a CSV or .xlsx file."""
    if (filename or "").lower().endswith(".xlsx"):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileError("the file is not UTF-8 text (CSV) nor .xlsx") from error
    first = text.splitlines()[0] if text.strip() else ""
    # Indonesian spreadsheets often export with ";" (decimal comma).
    delimiter = max(",;\t", key=first.count)
    table = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise FileError("the file is empty")
    return table[0], table[1:]


def _read_xlsx(content):
    import openpyxl  # in Odoo's requirements; only Excel files need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception as error:  # openpyxl raises many kinds on a bad file
        raise FileError(f"the Excel file cannot be read ({error})") from error
    table = [
        ["" if cell is None else cell for cell in row]
        for row in book.active.iter_rows(values_only=True)
        if any(cell not in (None, "") for cell in row)
    ]
    if not table:
        raise FileError("the file is empty")
    return [str(cell) for cell in table[0]], table[1:]


def map_columns(header):
    """{canonical: index} and [(order column name, index)] of a header."""
    normalized = [normalize_header(cell) for cell in header]
    columns = {}
    for canonical, names in COLUMNS.items():
        for name in names:
            if name in normalized:
                columns[canonical] = normalized.index(name)
                break
    order_columns = [
        (name, normalized.index(name)) for name in ORDER_COLUMNS if name in normalized
    ]
    if not order_columns:
        raise FileError(
            "no column names the order (expected one of: {})".format(
                ", ".join(ORDER_COLUMNS)
            )
        )
    if "amount" not in columns:
        raise FileError(
            "no amount column (expected one of: {})".format(
                ", ".join(COLUMNS["amount"])
            )
        )
    return columns, order_columns


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


def parse_rows(content, filename):
    """[{line, reference, keys, amount, cod_fee, shipping_fee, paid_date, net}]
    and [(line, message)] of the rows that cannot be read."""
    header, table = read_table(content, filename)
    columns, order_columns = map_columns(header)
    rows, errors = [], []
    for number, cells in enumerate(table, start=2):

        def cell(index, cells=cells):
            return cells[index] if index < len(cells) else ""

        keys = [
            str(cell(index)).strip()
            for __, index in order_columns
            if str(cell(index)).strip()
        ]
        row = {"line": number, "keys": keys}
        try:
            for name in ("amount", "cod_fee", "shipping_fee", "net"):
                row[name] = (
                    parse_amount(cell(columns[name])) if name in columns else None
                )
        except ValueError as error:
            errors.append((number, f"{error.args[0]!r} is not an amount"))
            continue
        try:
            row["paid_date"] = (
                parse_date(cell(columns["paid_date"]))
                if "paid_date" in columns
                else None
            )
        except ValueError as error:
            errors.append((number, f"{error.args[0]!r} is not a date"))
            continue
        row["reference"] = (
            str(cell(columns["reference"])).strip() if "reference" in columns else ""
        )
        if not keys:
            errors.append((number, "no order given"))
            continue
        row["cod_fee"] = row["cod_fee"] or 0.0
        row["shipping_fee"] = row["shipping_fee"] or 0.0
        rows.append(row)
    return rows, errors
