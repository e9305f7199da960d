import re
import time

from odoo import fields, models
from odoo.tools import consteq, email_normalize, escape_psql
from odoo.tools.misc import hmac

# Scope of the tracking links' signatures: a signature made for another use of
# the database secret never opens a tracking page.
TOKEN_SCOPE = "website_delivery_tracking.page"
TOKEN_RE = re.compile(r"^(\d{1,12})-(\d{1,12})-([0-9a-f]{64})$")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    tracking_token_version = fields.Integer(
        "Tracking Link Version",
        copy=False,
        readonly=True,
        help="Part of every signed tracking page link of this order: revoking "
        "the links increments it, so the links sent before stop working.",
    )

    # ------------------------------------------------------------------ #
    # Signed links
    # ------------------------------------------------------------------ #

    def _tracking_signature(self, expires):
        self.ensure_one()
        return hmac(
            self.env(su=True),
            TOKEN_SCOPE,
            (self.id, self.tracking_token_version, expires),
        )

    def _tracking_token(self):
        """A token opening this order's tracking page until the website's
        link validity has passed (or the links are revoked)."""
        self.ensure_one()
        days = self.website_id.tracking_link_days or 0
        expires = int(time.time()) + max(days, 1) * 86400
        return f"{self.id}-{expires}-{self._tracking_signature(expires)}"

    def _get_tracking_page_url(self, lang=None):
        """The absolute signed link of this order's tracking page, in `lang`
        (default: the customer's) when the website offers it."""
        self.ensure_one()
        website = self.website_id
        lang_code = lang or self.partner_id.lang
        prefix = ""
        lang_rec = website.language_ids.filtered(lambda lg: lg.code == lang_code)
        if lang_rec and lang_rec != website.default_lang_id:
            prefix = f"/{lang_rec.url_code}"
        return f"{self.get_base_url()}{prefix}/track/{self._tracking_token()}"

    def _tracking_from_token(self, token, website):
        """The order a tracking token opens on `website` (sudo), or an empty
        recordset: malformed, expired, revoked or forged tokens alike."""
        match = TOKEN_RE.match(token or "")
        if not match:
            return self.browse()
        order_id, expires, signature = match.groups()
        if int(expires) < time.time():
            return self.browse()
        order = self.sudo().browse(int(order_id)).exists()
        if not order or order.website_id != website:
            return self.browse()
        if not consteq(signature, order._tracking_signature(int(expires))):
            return self.browse()
        return order

    def action_revoke_tracking_links(self):
        """Make every tracking page link sent for these orders stop working
        (a link forwarded to the wrong person); new mails carry new links."""
        self.check_access("write")
        for order in self.sudo():
            order.tracking_token_version += 1
        return True

    # ------------------------------------------------------------------ #
    # The guest's form: order reference + email or last 4 phone digits
    # ------------------------------------------------------------------ #

    def _tracking_find(self, website, reference, secret):
        """The confirmed order of `website` named `reference` whose customer
        has the email or phone ending `secret`, else an empty recordset
        (sudo). Unknown order and wrong secret are the same answer."""
        reference = (reference or "").strip()
        secret = (secret or "").strip()
        if not reference or not secret or len(reference) > 64 or len(secret) > 254:
            return self.browse()
        order = self.sudo().search(
            [
                # escaped: a typed % or _ must not match other orders
                ("name", "=ilike", escape_psql(reference)),
                ("website_id", "=", website.id),
                ("state", "=", "sale"),
            ],
            limit=1,
        )
        if order and order._tracking_secret_matches(secret):
            return order
        return self.browse()

    def _tracking_secret_matches(self, secret):
        self.ensure_one()
        partners = self.partner_id | self.partner_shipping_id
        if "@" in secret:
            typed = email_normalize(secret)
            return bool(typed) and any(
                consteq(typed, email_normalize(email) or "")
                for email in partners.mapped("email")
                if email
            )
        digits = re.sub(r"\D", "", secret)
        if len(digits) != 4:
            return False
        phones = partners.mapped("phone") + partners.mapped("mobile")
        return any(
            consteq(digits, re.sub(r"\D", "", phone)[-4:])
            for phone in phones
            if phone and len(re.sub(r"\D", "", phone)) >= 4
        )
