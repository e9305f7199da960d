"""Benchmark: bulk shipping labels (delivery_carrier_tracking_label_print).

N deliveries with one parcel each, every label in one PDF, on both sheets
(10 x 15 cm, A4 with 4 per page), two ways in the same run on the same data:
- old: Odoo's report engine alone (context label_print_plain): one
  wkhtmltopdf run with the layout's header and footer, barcodes by renderPM;
- new: what the module does: barcodes drawn by the module (barcodes.py), no
  header/footer pages.
Both PDFs must have the same pages, page sizes and words, each word's box
within MAX_SHIFT_MM of its place (pdfinfo, pdftotext -bbox): the bench exits
non-zero otherwise.

Time, and peak memory of this Odoo process (VmRSS) and of the wkhtmltopdf
subprocesses: their VmHWM, read from /proc while they run by a sampling thread
(getrusage(RUSAGE_CHILDREN).ru_maxrss would count the forked copy of this
process before it execs wkhtmltopdf); getrusage gives their CPU time.

Usage: .venv/bin/python bench/bench_bulk_labels.py --db DB --conf odoo.conf
       [--count 500]

The database needs delivery_carrier_tracking_label_print installed.
wkhtmltopdf fetches the report CSS over HTTP, so Odoo's HTTP server is started in
this process. The data is created in one transaction that is rolled back at the end.
"""

import io
import os
import resource
import sys
import threading
import time

import odoo
from common import create_deliveries, load_registry, parse_args, superuser_env
from odoo.tools.pdf import PdfFileReader

REPORT = "delivery_carrier_tracking_label_print.action_report_shipping_labels"
MB = 1024 * 1024
# One wkhtmltopdf run places page n of a long document a little lower each
# page (0.2 mm by page 400); a sheet in parts starts each part afresh.
MAX_SHIFT_MM = 0.5


def _status_kb(pid, key):
    """A memory line of /proc/<pid>/status in kB (0 once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except OSError:
        return ""


def _children(pid):
    """Direct children of this process, from every thread (the HTTP server
    and the report code run in different threads)."""
    found = set()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as children:
                found.update(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


class PeakMemory:
    """Samples every 10 ms the RSS of this process and the peak RSS (VmHWM)
    of its children (wkhtmltopdf) while a mode runs."""

    def __init__(self):
        self.pid = os.getpid()
        self.self_peak = self.child_peak = 0
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            self.self_peak = max(self.self_peak, _status_kb(self.pid, "VmRSS"))
            for child in _children(self.pid):
                # the fork before exec has this process's pages: skip it
                if _comm(child) == "wkhtmltopdf":
                    peak = _status_kb(child, "VmHWM")
                    self.child_peak = max(self.child_peak, peak)
            time.sleep(0.01)

    def __enter__(self):
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


def make_pickings(env, count):
    carrier = env.ref("delivery_carrier_tracking_id_couriers.carrier_jne")
    carrier.label_print_format = False
    pickings = create_deliveries(
        env, carrier, count, carrier_tracking_ref=lambda index: f"BULK{index:08d}"
    )
    pickings.action_confirm()
    return pickings


def render(env, ids, old=False):
    report = env["ir.actions.report"].with_context(
        force_report_rendering=True, label_print_plain=old
    )
    pdf, kind = report._render_qweb_pdf(REPORT, ids)
    assert kind == "pdf" and pdf.startswith(b"%PDF")
    return pdf


def pages(pdf):
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)


def box_shift_mm(old, new):
    """How far (mm) the furthest word of `new` is from its place in `old`;
    None when the page sizes or the words differ."""
    from odoo.addons.delivery_carrier_tracking_label_print.pdf_words import poppler

    (old_sizes, old_pages), (new_sizes, new_pages) = poppler(old), poppler(new)
    if old_sizes != new_sizes or len(old_pages) != len(new_pages):
        return None
    shift = 0.0
    for old_words, new_words in zip(old_pages, new_pages, strict=True):
        # poppler reads the 2 x 2 cells of an A4 page in an order that a
        # shift of a fraction of a point can change: pair words by text and
        # column (no shift across, only down)
        old_words, new_words = (
            sorted(words, key=lambda item: (item[0], round(item[1][0]), item[1][1]))
            for words in (old_words, new_words)
        )
        if [word for word, _box in old_words] != [word for word, _box in new_words]:
            return None
        for (_word, old_box), (_same, new_box) in zip(
            old_words, new_words, strict=True
        ):
            for a, b in zip(old_box, new_box, strict=True):
                shift = max(shift, abs(a - b) * 25.4 / 72)
    return shift


def measure(name, run):
    """Runs run() -> list of PDFs; returns its row of the table (and the
    first PDF, under "pdf")."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    base_rss = _status_kb(os.getpid(), "VmRSS")
    with PeakMemory() as memory:
        start = time.perf_counter()
        pdfs = run()
        seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "mode": name,
        "pdfs": len(pdfs),
        "pages": sum(pages(pdf) for pdf in pdfs),
        "seconds": seconds,
        "self_peak": memory.self_peak / 1024,
        "self_growth": (memory.self_peak - base_rss) / 1024,
        "child_peak": memory.child_peak / 1024,
        "child_cpu": (after.ru_utime + after.ru_stime)
        - (before.ru_utime + before.ru_stime),
        "size": sum(len(pdf) for pdf in pdfs) / MB,
        "pdf": pdfs[0],
    }


def main():
    args = parse_args(__doc__, count=(int, 500))
    registry = load_registry(args, http=True)
    port = odoo.tools.config["http_port"]
    count = args.count
    rows, failures = [], []
    with registry.cursor() as cr:
        env = superuser_env(cr)
        params = env["ir.config_parameter"]
        previous_url = params.get_param("report.url", "")
        params.set_param("report.url", f"http://127.0.0.1:{port}")
        cr.commit()
        pickings = make_pickings(env, count)
        warehouse = pickings.picking_type_id.warehouse_id
        for sheet, fmt in (("10x15", False), ("A4 x 4", "a4")):
            warehouse.label_print_format = fmt
            # warm-up: report assets, templates
            render(env, pickings[:1].ids, old=True)
            render(env, pickings[:1].ids)
            old = measure(f"{sheet} old", lambda: [render(env, pickings.ids, old=True)])
            new = measure(f"{sheet} new", lambda: [render(env, pickings.ids)])
            rows += [old, new]
            shift = box_shift_mm(old["pdf"], new["pdf"])
            new["shift"] = shift
            if shift is None or shift > MAX_SHIFT_MM:
                failures.append(f"{new['mode']}: the PDF differs from the old one")
        cr.rollback()
        params.set_param("report.url", previous_url)
        cr.commit()

    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[:3]
    print(
        f"\nShipping labels for {count} deliveries, 1 parcel each, in one PDF "
        f"({len(os.sched_getaffinity(0))} cores, load average {' '.join(load)})"
    )
    header = (
        f"{'sheet, way':<20}{'pages':>7}{'total s':>9}{'ms/label':>10}"
        f"{'Odoo RSS MB':>13}{'(+growth)':>11}{'wkhtml RSS MB':>15}"
        f"{'wkhtml CPU s':>14}{'PDF MB':>8}"
    )
    print(header)
    for row in rows:
        print(
            f"{row['mode']:<20}{row['pages']:>7}"
            f"{row['seconds']:>9.1f}{row['seconds'] * 1000 / count:>10.1f}"
            f"{row['self_peak']:>13.0f}{row['self_growth']:>+11.0f}"
            f"{row['child_peak']:>15.0f}{row['child_cpu']:>14.1f}{row['size']:>8.1f}"
        )
    for old, new in (rows[0:2], rows[2:4]):
        print(
            f"{new['mode'].rsplit(' ', 1)[0]}: new way "
            f"{old['seconds'] / new['seconds']:.1f}x faster "
            f"({new['seconds']:.1f} s vs {old['seconds']:.1f} s)"
        )
    for failure in failures:
        print(f"FAILED: {failure}")
    if failures:
        sys.exit(1)
    shift = max(row["shift"] for row in rows if "shift" in row)
    print(
        "old and new PDFs: same pages, page sizes and words (pdfinfo, pdftotext "
        f"-bbox); word boxes at most {shift:.2f} mm apart"
    )


if __name__ == "__main__":
    main()
