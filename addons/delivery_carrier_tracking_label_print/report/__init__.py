from . import report_labels
