from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

# A photo larger than this is refused (the request form's limit).
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class ReturnPortal(CustomerPortal):
    """The return request form: from My Account (the order's portal access)
    and for guests from the signed /track link. Both end in
    sale.return._request, which checks everything."""

    @http.route(
        "/my/orders/<int:order_id>/return",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def portal_order_return(self, order_id, access_token=None, **post):
        try:
            order = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        back = order.get_portal_url()
        return self._return_form(order, back, request.httprequest.path, post)

    @http.route(
        "/track/<string:token>/return",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def track_order_return(self, token, **post):
        order = request.env["sale.order"]._tracking_from_token(token, request.website)
        if not order:
            return request.redirect("/track")
        return self._return_form(
            order, f"/track/{token}", request.httprequest.path, post
        )

    def _return_form(self, order, back_url, form_url, post):
        error = None
        if request.httprequest.method == "POST":
            try:
                lines = self._parse_return_lines(post)
                photo = self._read_photo()
                request.env["sale.return"]._request(
                    order, lines, note=post.get("note"), photo=photo
                )
                return request.redirect(back_url)
            except UserError as exc:
                error = exc.args[0]
        return request.render(
            "sale_order_fulfilment_return.portal_return_request",
            {
                "sale_order": order,
                "returnable": order._get_returnable_lines(),
                # the order's website's, as the request is checked against
                "reasons": request.env["sale.return.reason"]._get_website_reasons(
                    order.website_id
                ),
                "return_open": order._is_return_open(),
                "back_url": back_url,
                "form_url": form_url,
                "error": error,
                "values": post,
            },
        )

    def _parse_return_lines(self, post):
        lines = []
        for key, value in post.items():
            if not key.startswith("qty_") or not (value or "").strip():
                continue
            line_id = key[4:]
            try:
                quantity = float(value)
            except ValueError as error:
                raise UserError(request.env._("Quantities are numbers.")) from error
            if quantity:
                lines.append(
                    {
                        "sale_line_id": line_id,
                        "quantity": quantity,
                        "reason_id": post.get(f"reason_{line_id}"),
                    }
                )
        return lines

    def _read_photo(self):
        upload = request.httprequest.files.get("photo")
        if not upload or not upload.filename:
            return None
        data = upload.read(MAX_PHOTO_BYTES + 1)
        if len(data) > MAX_PHOTO_BYTES:
            raise UserError(request.env._("The photo is too large (5 MB at most)."))
        if not (upload.mimetype or "").startswith("image/"):
            raise UserError(request.env._("The photo must be an image."))
        return upload.filename, data
