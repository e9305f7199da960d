"""Code128 PNG of a waybill, drawn column by column.

Odoo's `ir.actions.report.barcode()` draws a reportlab Drawing through renderPM:
about 50 ms a barcode, which made half of a 500-label sheet. A Code128 is
vertical bars only, so one row of pixels says it all: the bars come from
reportlab's own Code128 encoder at the positions renderPM draws them (the
barcode scaled to `width`), each pixel column grey by the share of it a bar
covers (renderPM's anti-aliasing; its fixed-point rounding differs by at most
one grey level of 255 on edge pixels), and the row repeated `height` times.
"""

import io
import math
from string import ascii_lowercase

from PIL import Image
from reportlab.graphics.barcode.code128 import Code128


def code128_png(value, width=600, height=100, quiet=True):
    """The PNG of `value` as Code128, or None when reportlab cannot encode it
    (the caller then lets Odoo's barcode() say what is wrong)."""
    barcode = Code128(value=value, quiet=quiet)
    barcode.validate()
    if not barcode.valid:
        return None
    # the encoded modules: lowercase letters are spaces, uppercase bars, the
    # letter's rank their width in modules (reportlab's decomposition)
    barcode._calculate()  # pylint: disable=protected-access
    scale = width / barcode.width
    left = barcode.lquiet if barcode.quiet else 0
    ink = [0.0] * width
    for code in barcode.decomposed:
        is_space = code in ascii_lowercase
        modules = ord(code) - ord("a" if is_space else "A") + 1
        right = left + modules * barcode.barWidth
        if not is_space:
            start, end = left * scale, right * scale
            for column in range(max(int(start), 0), min(math.ceil(end), width)):
                ink[column] += min(column + 1, end) - max(column, start)
        left = right
    row = bytes(round(255 - 255 * min(share, 1.0)) for share in ink)
    stream = io.BytesIO()
    # the rows repeat: the fastest compression costs little in size
    image = Image.frombytes("L", (width, height), row * height)
    image.save(stream, "PNG", compress_level=1)
    return stream.getvalue()
