from odoo import http
from odoo.http import request


class WebsiteDeliveryTracking(http.Controller):
    def _tracking_render(self, sale_order=None, status=200, **values):
        return request.render(
            "website_delivery_tracking.tracking_page",
            dict(values, sale_order=sale_order),
            status=status,
        )

    @http.route("/track", type="http", auth="public", website=True, methods=["GET"])
    def tracking_form(self, **_kwargs):
        return self._tracking_render()

    @http.route(
        "/track",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def tracking_guess(self, order="", secret="", **_kwargs):
        """The guest's guess. A right one opens the order's signed page; a
        wrong one, whether the order exists or not, gets the same answer and
        counts against the visitor's address and the typed reference."""
        address = request.httprequest.remote_addr or "-"
        sale_order = request.env["sale.order"]._tracking_find(
            request.website, order, secret
        )
        # The guesses counted on a cursor of their own, committed (and its
        # locks released) as soon as this one is recorded; nothing runs on the
        # request's cursor meanwhile.
        with request.env.registry.cursor() as cr:
            Attempt = request.env(cr=cr)["website.tracking.attempt"].sudo()
            Attempt._lock_guesses(address, order)
            locked = Attempt._is_locked(address, order)
            if not locked and not sale_order:
                Attempt._record_failure(address, order)
        if locked:
            return self._tracking_render(
                status=429,
                order_ref=order[:64],
                error=request.env._(
                    "Too many attempts. Please try again in a few minutes."
                ),
            )
        if not sale_order:
            return self._tracking_render(
                order_ref=order[:64],
                error=request.env._(
                    "We could not find an order with this number and this email "
                    "or phone number. Please check both."
                ),
            )
        # The signed page: one way to show an order, a URL the visitor may
        # bookmark, and the guess is not resent by reloading the page.
        return request.redirect(f"/track/{sale_order._tracking_token()}", code=303)

    @http.route(
        "/track/<string:token>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def tracking_page(self, token, **_kwargs):
        sale_order = request.env["sale.order"]._tracking_from_token(
            token, request.website
        )
        if not sale_order:
            return self._tracking_render(
                status=404,
                error=request.env._(
                    "This tracking link has expired or is no longer valid. Enter "
                    "your order number below to follow your order."
                ),
            )
        return self._tracking_render(sale_order=sale_order)
