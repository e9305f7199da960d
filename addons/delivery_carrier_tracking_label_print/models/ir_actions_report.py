import os
from concurrent.futures import ThreadPoolExecutor

from odoo import api, models
from odoo.tools.pdf import merge_pdf

from ..barcodes import code128_png
from ..label_formats import FORMAT_REPORTS, LABELS_REPORT

# Context key of a label sheet's rendering: barcodes drawn by barcodes.py,
# the sheet split across wkhtmltopdf processes, no header or footer pages.
FAST_LABELS = "label_print_fast"
# Fewer labels than this per process: one wkhtmltopdf run (a run costs about
# a second of start-up and of Odoo's report.print_delay)
MIN_LABELS_PER_PROCESS = 50


def label_processes(count):
    """How many wkhtmltopdf processes print `count` labels: one per core the
    server may use, each with at least MIN_LABELS_PER_PROCESS labels."""
    cores = len(os.sched_getaffinity(0))
    return max(1, min(cores, count // MIN_LABELS_PER_PROCESS))


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """The bulk labels report of deliveries: their parcels grouped by
        label format, one sheet per format (a wkhtmltopdf run has one paper
        format), merged into one PDF. The client prints it like any report.
        `label_print_single_run` in the context prints a sheet as Odoo's
        report engine alone does: one wkhtmltopdf run, Odoo's barcode images
        (the comparison of the tests and of bench/bench_bulk_labels.py)."""
        if self._get_report(report_ref).report_name != LABELS_REPORT:
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        pickings = self.env["stock.picking"].browse(res_ids)
        # refused here too: the report URL can be called without the action
        pickings._label_print_parcels()
        by_format = {}
        for picking in pickings:
            fmt = picking._get_label_print_format()
            by_format[fmt] = by_format.get(fmt, []) + picking.parcel_ids.ids
        single_run = self.env.context.get("label_print_single_run")
        report = self if single_run else self.with_context(**{FAST_LABELS: True})
        contents, kind = [], "pdf"
        for fmt, parcel_ids in by_format.items():
            # parcels in data: see report/report_labels.py
            values = dict(data or {}, parcel_ids=parcel_ids)
            # A4 stays one run: in parts, a 200-label sheet had words up to
            # 18.7 mm from their place in the one-run PDF (not understood yet)
            if not single_run and fmt == "10x15":
                values["label_chunks"] = label_processes(len(parcel_ids))
            content, kind = super(IrActionsReport, report)._render_qweb_pdf(
                FORMAT_REPORTS[fmt], None, data=values
            )
            contents.append(content)
        if kind != "pdf" or len(contents) == 1:
            # html: Odoo's test mode without force_report_rendering
            return b"".join(contents), kind
        return merge_pdf(contents), "pdf"

    @api.model
    def barcode(self, barcode_type, value, **kwargs):
        """On a label sheet, the plain Code128 of the template's barcode
        widget is drawn by barcodes.py, some ten times faster than renderPM
        (the same bars, see there); anything else is Odoo's."""
        plain = not int(kwargs.get("humanreadable", 0)) and not kwargs.get("mask")
        if self.env.context.get(FAST_LABELS) and barcode_type == "Code128" and plain:
            png = code128_png(
                value,
                width=int(kwargs.get("width", 600)),
                height=int(kwargs.get("height", 100)),
                quiet=bool(int(kwargs.get("quiet", 1))),
            )
            if png:
                return png
        return super().barcode(barcode_type, value, **kwargs)

    @api.model
    def _run_wkhtmltopdf(
        self, bodies, report_ref=False, header=None, footer=None, **kwargs
    ):
        """A label sheet comes in one HTML body per part (label_chunks):
        each part is printed by its own wkhtmltopdf process, up to one per
        core at once, and the parts are merged in order. Debian's wkhtmltopdf
        (unpatched Qt) prints one document per run, and one run uses one core.
        Labels have no header or footer: wkhtmltopdf would load the layout's
        empty header and footer pages for every label (a third of its time)."""
        if not self.env.context.get(FAST_LABELS):
            return super()._run_wkhtmltopdf(
                bodies, report_ref=report_ref, header=header, footer=footer, **kwargs
            )
        if len(bodies) == 1:
            return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)

        # Read here what a run reads (the paper format, report.print_delay):
        # the runs in threads then find it in the caches and send no query
        # on this cursor (a cursor of their own would wait, in tests, for
        # the test server that serves wkhtmltopdf the report CSS).
        report = self._get_report(report_ref)
        self._build_wkhtmltopdf_args(
            report.get_paperformat(),
            kwargs.get("landscape"),
            specific_paperformat_args=kwargs.get("specific_paperformat_args"),
            set_viewport_size=kwargs.get("set_viewport_size"),
        )

        def run(body):
            return super(IrActionsReport, self)._run_wkhtmltopdf(
                [body], report_ref=report, **kwargs
            )

        with ThreadPoolExecutor(max_workers=label_processes(10**9)) as pool:
            return merge_pdf(list(pool.map(run, bodies)))
