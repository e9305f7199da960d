import re

from odoo import fields, models
from odoo.addons.delivery_carrier_tracking.checkout_services import CheckoutAreaError
from odoo.exceptions import UserError

POSTAL_CODE_RE = re.compile(r"[0-9]{5}")
# what _kiriminaja_district reads
DISTRICT_ADDRESS_FIELDS = {"zip", "street2", "city", "state_id", "country_id"}


def _norm(text):
    return " ".join((text or "").lower().split())


class ResPartner(models.Model):
    """The KiriminAja district (kecamatan) of an address: KiriminAja prices
    and books between district ids, not postal codes."""

    _inherit = "res.partner"

    kiriminaja_district_id = fields.Integer(
        "KiriminAja District ID",
        copy=False,
        help="KiriminAja's id of the address's district (kecamatan). Found from "
        "the postal code or the district name on first use; forgotten when the "
        "address changes.",
    )
    kiriminaja_district_name = fields.Char("KiriminAja District", copy=False)

    def write(self, vals):
        # a new address may lie in another district: found again on next use
        if DISTRICT_ADDRESS_FIELDS.intersection(vals) and (
            "kiriminaja_district_id" not in vals
        ):
            vals = dict(vals, kiriminaja_district_id=0, kiriminaja_district_name=False)
        return super().write(vals)

    def _kiriminaja_district(self, carrier):
        """This address's KiriminAja district id, found once through
        carrier's account and kept on the partner. CheckoutAreaError (a
        UserError) naming the address when no district or several match."""
        self.ensure_one()
        if self.kiriminaja_district_id:
            return self.kiriminaja_district_id
        candidates = self._kiriminaja_district_candidates(carrier)
        address = self._display_address(without_company=True).replace("\n", ", ")
        if not candidates:
            raise CheckoutAreaError(
                self.env._(
                    "No KiriminAja district (kecamatan) matches the address of "
                    "%(partner)s (%(address)s). Check its postal code and district, "
                    "or set its KiriminAja district on the contact.",
                    partner=self.display_name,
                    address=address,
                ),
                self.id,
            )
        if len(candidates) > 1:
            areas = sorted(candidates.items())
            # the checkout lets the customer pick one of `areas`
            raise CheckoutAreaError(
                self.env._(
                    "Several KiriminAja districts match the address of %(partner)s "
                    "(%(address)s): %(districts)s. Set the right one on the "
                    "contact.",
                    partner=self.display_name,
                    address=address,
                    districts="; ".join(f"{text} ({key})" for key, text in areas),
                ),
                self.id,
                areas,
            )
        [(district_id, text)] = candidates.items()
        self._kiriminaja_keep_district(district_id, text)
        return district_id

    def _kiriminaja_keep_district(self, district_id, text):
        # checkout runs as the shopper: the two technical fields are ours to keep
        self.sudo().write(
            {"kiriminaja_district_id": district_id, "kiriminaja_district_name": text}
        )

    def _kiriminaja_district_candidates(self, carrier):
        """The KiriminAja districts that match this address, asked through
        carrier's account: {district id: "kecamatan, city, province"}."""
        self.ensure_one()
        client = carrier._kiriminaja_client()
        candidates = {}
        zip_code = (self.zip or "").strip()
        if POSTAL_CODE_RE.fullmatch(zip_code):
            # full_address: "kelurahan, kecamatan, city, province, postal code"
            for area in client.subdistricts_by_name(zip_code):
                parts = [
                    p.strip() for p in str(area.get("full_address", "")).split(",")
                ]
                if parts[-1:] == [zip_code] and len(parts) >= 3:
                    candidates[area["district_id"]] = ", ".join(parts[1:-1])
        name = (self.street2 or self.city or "").strip()
        if not candidates and len(name) >= 3:
            # text: "kecamatan, city, province"
            for area in client.districts_by_name(name):
                text = str(area.get("text", ""))
                if _norm(text.split(",")[0]) == _norm(name):
                    candidates[area["id"]] = text
        if len(candidates) > 1 and self.city:
            # several districts share a postal code or a name: the city decides
            in_city = {
                key: text
                for key, text in candidates.items()
                if _norm(self.city) in _norm(text)
            }
            candidates = in_city or candidates
        return candidates

    def _kiriminaja_place(self):
        """This address as KiriminAja's instant couriers take it
        (/docs/instant/pricing, "Alamat": ``lat``, ``long`` and ``address``,
        none nullable): UserError naming the contact without a map position
        or a street."""
        self.ensure_one()
        address = self.env["delivery.carrier"]._kiriminaja_address(self)
        # Odoo keeps an unknown position as 0.0, 0.0 (off Africa, not Indonesia)
        if not (self.partner_latitude or self.partner_longitude) or not address:
            raise UserError(
                self.env._(
                    "KiriminAja's instant couriers need the map position and "
                    "street of %(partner)s: set its address and its latitude "
                    "and longitude on the contact.",
                    partner=self.display_name,
                )
            )
        return {
            "lat": self.partner_latitude,
            "long": self.partner_longitude,
            "address": address,
        }
