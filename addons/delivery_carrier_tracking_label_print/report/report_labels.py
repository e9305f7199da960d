from odoo import api, models


class ReportLabelsMixin(models.AbstractModel):
    """The parcels of a label sheet come in `data` (parcel_ids), not as the
    report's records: with records, core splits the PDF into one stream per
    record and merges them again, which took most of the time of a bulk
    print (PyPDF2 rewriting every page twice)."""

    _name = "report.delivery_carrier_tracking_label_print.labels_mixin"
    _description = "Shipping label sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        parcel_ids = (data or {}).get("parcel_ids") or docids
        return {
            "doc_model": "stock.picking.parcel",
            "docs": self.env["stock.picking.parcel"].browse(parcel_ids),
        }


class ReportLabels10x15(models.AbstractModel):
    _name = "report.delivery_carrier_tracking_label_print.labels_10x15"
    _inherit = "report.delivery_carrier_tracking_label_print.labels_mixin"
    _description = "Shipping labels 10 x 15 cm"


class ReportLabelsA4(models.AbstractModel):
    _name = "report.delivery_carrier_tracking_label_print.labels_a4"
    _inherit = "report.delivery_carrier_tracking_label_print.labels_mixin"
    _description = "Shipping labels A4"
