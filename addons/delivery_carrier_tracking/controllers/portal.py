from odoo import exceptions
from odoo.addons.sale_stock.controllers.portal import SaleStockPortal
from odoo.http import content_disposition, request, route
from werkzeug.exceptions import NotFound


class DeliveryTrackingPortal(SaleStockPortal):
    @route(
        "/my/picking/label/<int:picking_id>/<int:attachment_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_picking_label(
        self, picking_id, attachment_id, access_token=None, **_kwargs
    ):
        """A shipping label of the delivery, for whoever may see the delivery
        (portal rule) or holds the order's access token."""
        try:
            picking_sudo = self._stock_picking_check_access(
                picking_id, access_token=access_token
            )
        except (exceptions.AccessError, exceptions.MissingError):
            return NotFound()
        label = picking_sudo.tracking_label_ids.filtered(
            lambda a: a.id == attachment_id
        )
        if not label:
            return NotFound()
        return request.make_response(
            label.raw,
            headers=[
                ("Content-Type", label.mimetype or "application/pdf"),
                ("Content-Length", len(label.raw)),
                ("Content-Disposition", content_disposition(label.name, "inline")),
            ],
        )
