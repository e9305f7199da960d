from odoo import models
from odoo.tools.pdf import merge_pdf

from ..label_formats import FORMAT_REPORTS, LABELS_REPORT


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """The bulk labels report of deliveries: their parcels grouped by
        label format, one wkhtmltopdf run per format (a run has one paper
        format), merged into one PDF. The client prints it like any report."""
        if self._get_report(report_ref).report_name != LABELS_REPORT:
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        pickings = self.env["stock.picking"].browse(res_ids)
        # refused here too: the report URL can be called without the action
        pickings._label_print_parcels()
        by_format = {}
        for picking in pickings:
            fmt = picking._get_label_print_format()
            by_format[fmt] = by_format.get(fmt, []) + picking.parcel_ids.ids
        contents, kind = [], "pdf"
        for fmt, parcel_ids in by_format.items():
            # parcels in data: see report/report_labels.py
            content, kind = super()._render_qweb_pdf(
                FORMAT_REPORTS[fmt], None, data=dict(data or {}, parcel_ids=parcel_ids)
            )
            contents.append(content)
        if kind != "pdf" or len(contents) == 1:
            # html: Odoo's test mode without force_report_rendering
            return b"".join(contents), kind
        return merge_pdf(contents), "pdf"
