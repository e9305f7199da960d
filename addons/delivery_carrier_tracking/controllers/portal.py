from odoo import exceptions
from odoo.addons.sale_stock.controllers.portal import SaleStockPortal
from odoo.http import content_disposition, request, route
from werkzeug.exceptions import NotFound


class DeliveryTrackingPortal(SaleStockPortal):
    def _stock_picking_check_access(self, picking_id, access_token=None):
        # Core compares the token with the order's through consteq(), which
        # raises TypeError (an error 500) for a delivery without a sale order
        # or for a token with non-ASCII characters. Neither can match: such a
        # token counts as none (access error, 404).
        if access_token and not (
            access_token.isascii()
            and request.env["stock.picking"]
            .sudo()
            .browse(picking_id)
            .exists()
            .sale_id.access_token
        ):
            access_token = None
        return super()._stock_picking_check_access(
            picking_id, access_token=access_token
        )

    def _get_page_view_values(
        self, document, access_token, values, session_history, no_breadcrumbs, **kwargs
    ):
        if document._name == "sale.order":
            # The parcels of all the order's deliveries in one query: core's
            # list of deliveries (tracking links) and the Shipments section
            # read them delivery by delivery, in batches that depend on the
            # number of deliveries.
            document.picking_ids.parcel_ids.mapped("tracking_number")
        return super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )

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
