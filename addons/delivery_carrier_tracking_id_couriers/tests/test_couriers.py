from odoo.tests import TransactionCase, tagged

from ..hooks import _record_names, pre_init_hook
from ..models.delivery_carrier import COURIER_CARRIERS

MODULE = "delivery_carrier_tracking_id_couriers"
COURIERS = {
    "carrier_jne": "https://www.jne.co.id/tracking-package?awb=<shipmenttrackingnumber>",
    "carrier_jnt": "https://www.jet.co.id/track?bills=<shipmenttrackingnumber>",
    "carrier_sicepat": "https://www.sicepat.com/checkAwb?awb=<shipmenttrackingnumber>",
    "carrier_pos": "https://www.posindonesia.co.id/id/tracking/<shipmenttrackingnumber>",
    "carrier_anteraja": "https://anteraja.id/tracking/<shipmenttrackingnumber>",
    "carrier_ninja": "https://www.ninjaxpress.co/id-id/tracking?id=<shipmenttrackingnumber>",
    "carrier_dhl": "https://www.dhl.com/id-en/home/tracking/tracking-express.html"
    "?submit=1&tracking-id=<shipmenttrackingnumber>",
    "carrier_fedex": "https://www.fedex.com/fedextrack/?trknbr=<shipmenttrackingnumber>",
    "carrier_ups": "https://www.ups.com/track?loc=en_ID&tracknum=<shipmenttrackingnumber>",
}


@tagged("post_install", "-at_install")
class TestCouriers(TransactionCase):
    def _data(self, module, models=("delivery.carrier", "product.product")):
        return self.env["ir.model.data"].search(
            [("module", "=", module), ("model", "in", list(models))]
        )

    def test_couriers_with_tracking_pages(self):
        for name, url in COURIERS.items():
            carrier = self.env.ref(f"{MODULE}.{name}")
            self.assertEqual(carrier.tracking_url, url, name)
            self.assertEqual(carrier.delivery_type, "fixed", name)
            self.assertTrue(carrier.tracking_create_label, name)
            self.assertEqual(carrier.product_id.type, "service", name)
        self.assertEqual(len(self._data(MODULE, ("delivery.carrier",))), len(COURIERS))

    def test_generic_module_ships_no_carrier(self):
        self.assertFalse(
            self._data("delivery_carrier_tracking"),
            "delivery_carrier_tracking must not create carriers or their products",
        )

    def test_install_adopts_couriers_of_an_older_generic_module(self):
        # a database installed before the split: the records are
        # delivery_carrier_tracking's; installing this module must keep them
        # the data's records (the module's model extension is its own)
        rows = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("name", "in", _record_names())]
        )
        jne = self.env.ref(f"{MODULE}.carrier_jne")
        jne.fixed_price = 12000  # a user's price, kept
        rows.module = "delivery_carrier_tracking"
        carriers_before = self.env["delivery.carrier"].search_count([])
        self.env.flush_all()
        pre_init_hook(self.env)
        rows.invalidate_recordset(["module"])
        self.assertEqual(set(rows.mapped("module")), {MODULE})
        self.assertIn("product_delivery_jne_product_template", rows.mapped("name"))
        self.assertEqual(self.env.ref(f"{MODULE}.carrier_jne"), jne)
        self.assertEqual(jne.fixed_price, 12000)
        self.assertEqual(self.env["delivery.carrier"].search_count([]), carriers_before)

    def test_courier_pages_by_code(self):
        """Providers booking many couriers (jne, jnt...) get each courier's
        page from these records, as the shop keeps them."""
        Carrier = self.env["delivery.carrier"]
        for code, xmlid in COURIER_CARRIERS.items():
            url = COURIERS[xmlid].replace("<shipmenttrackingnumber>", "X1")
            self.assertEqual(Carrier._tracking_courier_url(code, "X1"), url, code)
        self.assertEqual(
            Carrier._tracking_courier_url("JNT ", "JX1541346437"),
            "https://www.jet.co.id/track?bills=JX1541346437",
        )
        # the number cannot change the link's host or query
        self.assertEqual(
            Carrier._tracking_courier_url("jne", "A&b=1/x"),
            "https://www.jne.co.id/tracking-package?awb=A%26b%3D1%2Fx",
        )
        self.assertFalse(Carrier._tracking_courier_url("gojek", "X1"))
        self.assertFalse(Carrier._tracking_courier_url(False, "X1"))
        jne = self.env.ref(f"{MODULE}.carrier_jne")
        jne.tracking_url = "https://jne.example/<shipmenttrackingnumber>"
        self.assertEqual(
            Carrier._tracking_courier_url("jne", "X1"), "https://jne.example/X1"
        )
        jne.tracking_url = False
        self.assertFalse(Carrier._tracking_courier_url("jne", "X1"))
        self.env.ref(f"{MODULE}.carrier_jnt").unlink()
        self.assertFalse(Carrier._tracking_courier_url("jnt", "X1"))
