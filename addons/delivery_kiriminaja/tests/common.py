from odoo.addons.delivery_carrier_tracking.tests.common import LoopbackRequestsMixin
from odoo.tests.common import TransactionCase

from .kiriminaja_server import KiriminAjaStandIn

API_KEY = "kiriminaja-test-key-0123456789"


class KiriminAjaShop(LoopbackRequestsMixin):
    """The stand-in for the class (requests reach it unchanged) and a shop:
    a Jakarta warehouse, a Bandung customer, a weighed product and a JNE
    REG method on the stand-in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = KiriminAjaStandIn(api_key=API_KEY).start()
        cls.addClassCleanup(cls.server.stop)
        cls.env.company.partner_id.write(
            {"street": "Jl. Gudang 1", "city": "Jakarta Pusat", "zip": "10110"}
        )
        idr = cls.env.ref("base.IDR")
        idr.active = True
        if cls.env.company.currency_id != idr:
            # 1 company unit = 16,000 rupiah
            cls.env["res.currency.rate"].create(
                {"currency_id": idr.id, "rate": 16000, "company_id": cls.env.company.id}
            )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Budi Santoso",
                "street": "Jl. Merdeka 17",
                "city": "Bandung",
                "zip": "40111",
                "country_id": cls.env.ref("base.id").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Batik Shirt", "type": "consu", "weight": 0.75, "list_price": 50}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "KiriminAja JNE REG",
                "delivery_type": "kiriminaja",
                "product_id": cls.env["product.product"]
                .create({"name": "KiriminAja shipping", "type": "service"})
                .id,
                "kiriminaja_api_key": API_KEY,
                "kiriminaja_base_url": cls.server.url,
                "kiriminaja_courier": "jne",
                "kiriminaja_service": "REG23",
            }
        )

    def setUp(self):
        super().setUp()
        self.server.reset()

    def _order(self, qty=2, partner=None):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": qty})
                ],
            }
        )


class KiriminAjaCommon(KiriminAjaShop, TransactionCase):
    pass
