"""What poppler reads in a PDF, to compare two label sheets (the tests and
bench/bench_bulk_labels.py). Plain Python; needs poppler-utils."""

import re
import subprocess
import tempfile


def poppler(pdf):
    """What poppler reads in a PDF: the size of each page (pdfinfo) and
    every word with its box (xMin, yMin, xMax, yMax in points) per page
    (pdftotext -bbox)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", "100000", file.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        bbox = subprocess.run(
            ["pdftotext", "-bbox", file.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    sizes = re.findall(r"Page +\d+ size: +(.*)", info)
    pages = [
        [
            (word, [float(value) for value in re.findall(r'"([-\d.]+)"', box)])
            for box, word in re.findall(r"<word ([^>]*)>([^<]*)</word>", page)
        ]
        for page in bbox.split("<page ")[1:]
    ]
    return sizes, pages
