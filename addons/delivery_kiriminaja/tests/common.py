from odoo.addons.delivery_carrier_tracking.tests.common import LoopbackRequestsMixin
from odoo.tests import new_test_user
from odoo.tests.common import HttpCase, TransactionCase

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


class KiriminAjaShipped(KiriminAjaShop):
    """Deliveries validated (and so booked) by a warehouse user without
    sales rights, as in the shop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.phone = "+62 21 555 0100"
        cls.customer.phone = "0812 3456 7890"
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.warehouse_user = new_test_user(
            cls.env, login="ka_track_warehouse", groups="stock.group_stock_user"
        )

    def _picking(self, qty=2.0):
        picking_type = self.warehouse.out_type_id
        customers = self.env.ref("stock.stock_location_customers")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": self.customer.id,
                "carrier_id": self.carrier.id,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "product_uom": self.product.uom_id.id,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": customers.id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.write({"quantity": qty, "picked": True})
        return picking

    def _validate(self, picking, user=None):
        picking = picking.with_user(user) if user else picking
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")
        return picking

    def _shipped(self, qty=2.0):
        """A delivery validated by the warehouse user: its order id booked,
        no AWB yet."""
        order = self._order(qty)
        order.carrier_id = self.carrier
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": qty, "picked": True})
        picking = picking.with_user(self.warehouse_user)
        self.assertIs(picking.button_validate(), True)
        picking = picking.with_user(self.env.user)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertTrue(picking.carrier_shipment_id)
        return picking


class KiriminAjaShippedCase(KiriminAjaShipped, TransactionCase):
    pass


class KiriminAjaShippedHttpCase(KiriminAjaShipped, HttpCase):
    pass


class CheckoutRoutesMixin:
    """Tests of the shop's checkout routes, which website_sale_delivery_services
    (auto-installed with website_sale) adds: without it they fail, naming it,
    rather than pass untested."""

    def setUp(self):
        super().setUp()
        installed = self.env["ir.module.module"].search_count(
            [
                ("name", "=", "website_sale_delivery_services"),
                ("state", "=", "installed"),
            ]
        )
        self.assertTrue(
            installed, "the checkout routes need website_sale_delivery_services"
        )

    @classmethod
    def open_checkout(cls, address):
        """The portal customer at `address` in Indonesia, the product on sale
        and the method published, listing its courier services."""
        cls.partner_portal.write({**address, "country_id": cls.env.ref("base.id").id})
        cls.product.write({"is_published": True, "sale_ok": True})
        cls.carrier.write({"checkout_rate_shopping": True, "is_published": True})

    def portal_cart(self):
        """The portal customer's cart of one product, logged in."""
        self.authenticate("portal", "portal")
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product.id, "add_qty": 1}
        )
        return self.env["sale.order"].search(
            [("partner_id", "=", self.partner_portal.id)], order="id desc", limit=1
        )

    def choose_service(self, cart, code, rupiah):
        """The customer picks the service `code` of the method: it is the one
        selected, kept on the cart and priced `rupiah` on its delivery line."""
        summary = self.make_jsonrpc_request(
            "/shop/delivery_service", {"dm_id": self.carrier.id, "service": code}
        )
        self.assertEqual(
            [s["key"] for s in summary["delivery_services"] if s["selected"]], [code]
        )
        self.assertEqual(cart.kiriminaja_service_code, code)
        idr = self.env.ref("base.IDR")
        self.assertAlmostEqual(
            cart.order_line.filtered("is_delivery").price_unit,
            idr._convert(rupiah, cart.currency_id, cart.company_id, cart.date_order),
            2,
        )
        return summary
