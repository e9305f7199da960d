import json
from pathlib import Path

from odoo.addons.delivery_carrier_tracking.tests.common import (
    LoopbackRequestsMixin,
    TrackingCommon,
    apply_webhook_inbox,
)

from .biteship_server import BiteshipStandIn

API_KEY = "biteship_test.odoo-tests-secret"
# Biteship answers captured by others (see its README.md), beside the
# repository: <repo>/../shared/biteship_real_payloads
REAL_PAYLOADS = (
    Path(__file__).resolve().parents[4] / "shared" / "biteship_real_payloads"
)


def real_payload(name):
    """The JSON of one file of REAL_PAYLOADS."""
    return json.loads((REAL_PAYLOADS / name).read_text(encoding="utf-8"))


def standin_order(courier_company, courier_type, items):
    """A raw order, Jakarta warehouse to a Bandung customer, for tests that
    post straight to the stand-in's /v1/orders to check the rules it keeps."""
    return {
        "origin_contact_name": "Gudang",
        "origin_contact_phone": "021",
        "origin_address": "Jl. Gudang 1",
        "origin_postal_code": 10110,
        "destination_contact_name": "Budi",
        "destination_contact_phone": "0812",
        "destination_address": "Jl. Merdeka 17",
        "destination_postal_code": 40111,
        "courier_company": courier_company,
        "courier_type": courier_type,
        "delivery_type": "now",
        "items": items,
    }


class BiteshipStandInMixin(LoopbackRequestsMixin):
    """Starts the Biteship stand-in for the class (requests reach it
    unchanged)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = BiteshipStandIn(api_key=API_KEY).start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.server.reset()

    def _send_webhook(self, *args, **kwargs):
        """Biteship's webhook (the stand-in's send_webhook), then the inbox
        run that follows the answer (apply_webhook_inbox): (status, body,
        outcome)."""
        self.env.flush_all()  # committed long before Biteship calls back
        status, body = self.server.send_webhook(*args, **kwargs)
        return status, body, apply_webhook_inbox(self.env)

    def _create_shop(self, env, name, **carrier_vals):
        """Warehouse address, a Biteship JNE REG method on the stand-in, a
        customer, a weighed product and an IDR rate, in `env`: tests of real
        concurrent transactions create them on a cursor they commit.

        :return: (carrier, partner, product, idr_rate)
        """
        env.company.partner_id.write(
            {
                "street": "Jl. Gudang 1",
                "city": "Jakarta",
                "zip": "10110",
                "phone": "+62 21 555 0100",
            }
        )
        carrier = env["delivery.carrier"].create(
            {
                "name": name,
                "delivery_type": "biteship",
                "product_id": env["product.product"]
                .create({"name": name, "type": "service"})
                .id,
                "biteship_base_url": self.server.url,
                "biteship_courier_company": "jne",
                "biteship_courier_type": "reg",
                **carrier_vals,
            }
        )
        partner = env["res.partner"].create(
            {
                "name": "Budi",
                "street": "Jl. Braga 2",
                "city": "Bandung",
                "zip": "40111",
                "phone": "0813",
            }
        )
        product = env["product.product"].create(
            {"name": f"Kopi ({name})", "type": "consu", "weight": 1.0}
        )
        idr_rate = env["res.currency.rate"].create(
            {"currency_id": env.ref("base.IDR").id, "rate": 16000.0}
        )
        return carrier, partner, product, idr_rate

    def _create_delivery(self, carrier, partner, product, quantity):
        """A draft delivery of `quantity` × `product` from the main warehouse."""
        env = carrier.env
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        customers = env.ref("stock.stock_location_customers")
        return env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": partner.id,
                "carrier_id": carrier.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": customers.id,
                        },
                    )
                ],
            }
        )


class BiteshipCommon(BiteshipStandInMixin, TrackingCommon):
    """A Biteship JNE REG carrier pointed at the stand-in, on the generic
    module's delivery fixtures (HttpCase: labels are rendered)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.phone = "+62 21 555 0100"
        cls.biteship = cls._create_biteship_carrier(
            "Biteship JNE REG",
            biteship_courier_company="jne",
            biteship_courier_type="reg",
        )
        # Biteship prices are IDR; the test company's currency is USD.
        cls.idr_rate = cls.env["res.currency.rate"].create(
            {"currency_id": cls.env.ref("base.IDR").id, "rate": 16000.0}
        )

    @classmethod
    def _create_biteship_carrier(cls, name, **vals):
        """A Biteship method (courier service(s) in `vals`) on the stand-in."""
        return cls._create_carrier(
            name,
            delivery_type="biteship",
            tracking_create_label=False,
            biteship_api_key=API_KEY,
            biteship_base_url=cls.server.url,
            biteship_timeout=2.0,
            **vals,
        )

    def _sale_order(self, partner=None):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 3})
                ],
            }
        )

    def _ship(self, **kw):
        picking = self._create_picking(carrier=self.biteship, **kw)
        return self._validate(picking)
