from odoo import http
from odoo.http import content_disposition, request


class LabelPrintController(http.Controller):
    @http.route(
        "/delivery_label_print/zpl/<string:picking_ids>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def labels_zpl(self, picking_ids):
        """The ZPL file of these deliveries' labels, read with the user's
        rights (a delivery the user cannot read is an access error)."""
        ids = [int(part) for part in picking_ids.split(",") if part.isdigit()]
        pickings = request.env["stock.picking"].browse(ids).exists()
        zpl = pickings._label_print_zpl()
        return request.make_response(
            zpl.encode(),
            headers=[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Disposition", content_disposition("shipping-labels.zpl")),
            ],
        )
