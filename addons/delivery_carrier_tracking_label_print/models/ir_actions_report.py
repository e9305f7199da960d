from odoo import api, models
from odoo.tools.pdf import merge_pdf

from ..barcodes import code128_png
from ..label_formats import FORMAT_REPORTS, LABELS_REPORT

# Context key of a label sheet's rendering: barcodes drawn by barcodes.py,
# no header or footer pages.
FAST_LABELS = "label_print_fast"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """The bulk labels report of deliveries: their parcels grouped by
        label format, one sheet per format (a wkhtmltopdf run has one paper
        format), merged into one PDF. The client prints it like any report.
        `label_print_plain` in the context prints a sheet as Odoo's
        report engine alone does: header and footer pages, Odoo's barcode images
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
        plain = self.env.context.get("label_print_plain")
        report = self if plain else self.with_context(**{FAST_LABELS: True})
        contents, kind = [], "pdf"
        for fmt, parcel_ids in by_format.items():
            # parcels in data: see report/report_labels.py
            values = dict(data or {}, parcel_ids=parcel_ids)
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
        """Labels have no header or footer: wkhtmltopdf would load the
        layout's empty header and footer pages for every label (half of its
        time on a 500-label sheet). One run for the whole sheet: printed in
        parts by one process per core and merged, it was slower on a quiet
        machine (the merge costs more than the second process saves;
        bench/README.md, Bulk labels)."""
        if self.env.context.get(FAST_LABELS):
            header = footer = None
        return super()._run_wkhtmltopdf(
            bodies, report_ref=report_ref, header=header, footer=footer, **kwargs
        )
