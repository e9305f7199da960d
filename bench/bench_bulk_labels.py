"""Benchmark: bulk shipping labels (delivery_carrier_tracking_label_print).

N deliveries with one parcel each, printed three ways in the same run:
- bulk 10x15: what the module does, every label in one PDF (one wkhtmltopdf run);
- bulk A4: the same labels, 4 per A4 page (one wkhtmltopdf run);
- per delivery: the same report run once per delivery (N PDFs, N runs), what
  printing the deliveries one by one costs.

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
import threading
import time

import odoo
from common import create_deliveries, load_registry, parse_args, superuser_env
from odoo.tools.pdf import PdfFileReader

REPORT = "delivery_carrier_tracking_label_print.action_report_shipping_labels"
MB = 1024 * 1024


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


def render(env, ids):
    report = env["ir.actions.report"].with_context(force_report_rendering=True)
    pdf, kind = report._render_qweb_pdf(REPORT, ids)
    assert kind == "pdf" and pdf.startswith(b"%PDF")
    return pdf


def pages(pdf):
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)


def measure(name, run):
    """Runs run() -> list of PDFs; returns its row of the table."""
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
    }


def main():
    args = parse_args(__doc__, count=(int, 500))
    registry = load_registry(args, http=True)
    port = odoo.tools.config["http_port"]
    count = args.count
    with registry.cursor() as cr:
        env = superuser_env(cr)
        params = env["ir.config_parameter"]
        previous_url = params.get_param("report.url", "")
        params.set_param("report.url", f"http://127.0.0.1:{port}")
        cr.commit()
        pickings = make_pickings(env, count)
        warehouse = pickings.picking_type_id.warehouse_id
        # warm-up: report assets, templates
        render(env, pickings[:1].ids)
        rows = [
            measure("bulk 10x15 (this module)", lambda: [render(env, pickings.ids)])
        ]
        warehouse.label_print_format = "a4"
        rows.append(measure("bulk A4, 4 per page", lambda: [render(env, pickings.ids)]))
        warehouse.label_print_format = False
        rows.append(
            measure(
                "one run per delivery",
                lambda: [render(env, [picking_id]) for picking_id in pickings.ids],
            )
        )
        cr.rollback()
        params.set_param("report.url", previous_url)
        cr.commit()

    print(f"\nShipping labels for {count} deliveries, 1 parcel each (wkhtmltopdf)")
    header = (
        f"{'mode':<26}{'PDFs':>6}{'pages':>7}{'total s':>9}{'ms/label':>10}"
        f"{'Odoo RSS MB':>13}{'(+growth)':>11}{'wkhtml RSS MB':>15}"
        f"{'wkhtml CPU s':>14}{'PDF MB':>8}"
    )
    print(header)
    for row in rows:
        print(
            f"{row['mode']:<26}{row['pdfs']:>6}{row['pages']:>7}"
            f"{row['seconds']:>9.1f}{row['seconds'] * 1000 / count:>10.1f}"
            f"{row['self_peak']:>13.0f}{row['self_growth']:>+11.0f}"
            f"{row['child_peak']:>15.0f}{row['child_cpu']:>14.1f}{row['size']:>8.1f}"
        )
    bulk, _a4, single = rows
    print("ratios per-delivery / bulk 10x15:")
    for label, key in (
        ("time", "seconds"),
        ("wkhtmltopdf CPU", "child_cpu"),
        ("wkhtmltopdf peak RSS", "child_peak"),
        ("Odoo peak RSS", "self_peak"),
        ("PDF bytes", "size"),
    ):
        print(f"  {label:<22}{single[key] / bulk[key]:>8.2f}x")


if __name__ == "__main__":
    main()
