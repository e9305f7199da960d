from odoo.addons.sale_stock.controllers.portal import SaleStockPortal
from odoo.http import request


class DeliveryTrackingPortal(SaleStockPortal):
    """The customer's order page and core's delivery slip. No shipping label
    here: the outbound label is the shop's document (the carrier's barcode
    for the hand-over, routing data), printed from the back office; the
    customer gets the tracking number, status and the carrier's link. A
    return label is the customer's, through core's get_return_label_from_portal."""

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
