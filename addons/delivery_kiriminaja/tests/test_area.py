from odoo.addons.delivery_carrier_tracking.checkout_services import CheckoutAreaError
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KiriminAjaCommon


@tagged("post_install", "-at_install")
class TestArea(KiriminAjaCommon):
    """The district (kecamatan) of an address, found once and kept."""

    def _partner(self, **vals):
        return self.env["res.partner"].create({"name": "Siti", **vals})

    def test_by_postal_code_then_kept(self):
        district = self.customer._kiriminaja_district(self.carrier)
        self.assertEqual(district, 2302)
        self.assertEqual(
            self.customer.kiriminaja_district_name,
            "Bandung Wetan, Kota Bandung, Jawa Barat",
        )
        self.assertEqual(len(self.server.requests), 1)
        # kept: no second request
        self.assertEqual(self.customer._kiriminaja_district(self.carrier), 2302)
        self.assertEqual(len(self.server.requests), 1)
        # a phone change keeps it; an address change forgets it
        self.customer.phone = "0812 0000 0000"
        self.assertEqual(self.customer.kiriminaja_district_id, 2302)
        self.customer.zip = "40116"
        self.assertFalse(self.customer.kiriminaja_district_id)
        self.assertFalse(self.customer.kiriminaja_district_name)

    def test_by_name_when_no_postal_code(self):
        partner = self._partner(street2="Gambir", city="Jakarta Pusat")
        self.assertEqual(partner._kiriminaja_district(self.carrier), 2001)
        self.assertEqual(
            self.server.calls("/api/mitra/v2/get_address_by_name"),
            [{"search": "Gambir"}],
        )

    def test_several_match_names_them(self):
        partner = self._partner(street2="Ngemplak", city="Klaten", zip="")
        with self.assertRaises(UserError) as caught:
            partner._kiriminaja_district(self.carrier)
        message = str(caught.exception)
        self.assertIn("Siti", message)
        self.assertIn("Ngemplak, Kabupaten Boyolali, Jawa Tengah (1251)", message)
        self.assertIn("Ngemplak, Kabupaten Sleman, DI Yogyakarta (5789)", message)
        # the candidates ride along for the checkout to offer
        self.assertIsInstance(caught.exception, CheckoutAreaError)
        self.assertEqual(caught.exception.partner_id, partner.id)
        self.assertEqual(
            caught.exception.areas,
            [
                ("1251", "Ngemplak, Kabupaten Boyolali, Jawa Tengah"),
                ("5789", "Ngemplak, Kabupaten Sleman, DI Yogyakarta"),
            ],
        )
        self.assertFalse(partner.kiriminaja_district_id)
        # the city tells them apart
        partner.city = "Sleman"
        self.assertEqual(partner._kiriminaja_district(self.carrier), 5789)

    def test_shared_postal_code(self):
        # 55584: two districts of one city; the district name does not help
        partner = self._partner(zip="55584", city="Sleman")
        with self.assertRaisesRegex(UserError, "Several KiriminAja districts"):
            partner._kiriminaja_district(self.carrier)
        partner.kiriminaja_district_id = 5790  # set by a person
        self.assertEqual(partner._kiriminaja_district(self.carrier), 5790)

    def test_none_matches_names_the_address(self):
        partner = self._partner(street="Jl. Entah 1", city="Atlantis", zip="99999")
        with self.assertRaises(UserError) as caught:
            partner._kiriminaja_district(self.carrier)
        self.assertIn("No KiriminAja district", str(caught.exception))
        self.assertIn("Jl. Entah 1", str(caught.exception))
        # a city name under 3 characters is not even asked (KiriminAja's minimum)
        self.server.reset()
        short = self._partner(city="Ab")
        with self.assertRaises(UserError):
            short._kiriminaja_district(self.carrier)
        self.assertFalse(self.server.requests)
