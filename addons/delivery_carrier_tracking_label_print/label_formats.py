"""Label sheet formats: the carrier's choice wins, else the warehouse's, else
the thermal 10 x 15 cm label."""

LABEL_FORMATS = [
    ("10x15", "10 x 15 cm, one label per page (thermal printer)"),
    ("a4", "A4, 4 labels per page"),
]
DEFAULT_LABEL_FORMAT = "10x15"

# The report rendering each format (one wkhtmltopdf run per format)
FORMAT_REPORTS = {
    "10x15": "delivery_carrier_tracking_label_print.action_report_labels_10x15",
    "a4": "delivery_carrier_tracking_label_print.action_report_labels_a4",
}
# The report the client prints: every label of the deliveries, in one PDF.
# No template of that name: ir.actions.report renders it per format.
LABELS_REPORT_ACTION = (
    "delivery_carrier_tracking_label_print.action_report_shipping_labels"
)
LABELS_REPORT = "delivery_carrier_tracking_label_print.report_shipping_labels"
