import functools
import subprocess

from odoo import models
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

# wkhtmltopdf built on unpatched Qt (Debian's and Ubuntu's package) ignores
# --disable-smart-shrinking and --zoom and draws one CSS millimetre as 0.7684 mm
# (measured with 80 and 150 mm boxes on A4, A5 and 100 x 150 mm pages). Labels
# must come out at their size on label stock and on A4 sticker sheets.
UNPATCHED_QT_ZOOM = 1.3014


@functools.cache
def wkhtmltopdf_unpatched_qt():
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(version) and b"patched qt" not in version


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        """`label_zoom_style`: the CSS that label templates put on their
        content so that their millimetres are printed as millimetres."""
        data = super()._get_rendering_context(report, docids, data)
        unpatched = data.get("report_type") == "pdf" and wkhtmltopdf_unpatched_qt()
        # the HTML preview is drawn by the browser, at size
        data["label_zoom_style"] = f"zoom: {UNPATCHED_QT_ZOOM};" if unpatched else ""
        # the shipping label report drawn as a delivery's return label
        data.setdefault("return_label_on_delivery", False)
        return data
