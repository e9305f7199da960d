from odoo import api, models


class ReportLabelsMixin(models.AbstractModel):
    """The parcels of a label sheet come in `data` (parcel_ids), not as the
    report's records: with records, core splits the PDF into one stream per
    record and merges them again, which took most of the time of a bulk
    print (PyPDF2 rewriting every page twice).

    `label_chunks` in `data`: the sheet is cut into that many parts, one
    HTML article each (whole pages), printed by as many wkhtmltopdf
    processes (models/ir_actions_report.py)."""

    _name = "report.delivery_carrier_tracking_label_print.labels_mixin"
    _description = "Shipping label sheet"
    # labels per page of the sheet: a part never splits a page
    _labels_per_page = 1

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        parcels = self.env["stock.picking.parcel"].browse(
            data.get("parcel_ids") or docids
        )
        pages = -(-len(parcels) // self._labels_per_page)
        chunks = max(1, min(int(data.get("label_chunks") or 1), pages))
        size = -(-pages // chunks) * self._labels_per_page
        return {
            "doc_model": "stock.picking.parcel",
            "docs": parcels,
            "chunks": [
                parcels[start : start + size] for start in range(0, len(parcels), size)
            ]
            or [parcels],
        }


class ReportLabels10x15(models.AbstractModel):
    _name = "report.delivery_carrier_tracking_label_print.labels_10x15"
    _inherit = "report.delivery_carrier_tracking_label_print.labels_mixin"
    _description = "Shipping labels 10 x 15 cm"


class ReportLabelsA4(models.AbstractModel):
    _name = "report.delivery_carrier_tracking_label_print.labels_a4"
    _inherit = "report.delivery_carrier_tracking_label_print.labels_mixin"
    _description = "Shipping labels A4"
    _labels_per_page = 4
