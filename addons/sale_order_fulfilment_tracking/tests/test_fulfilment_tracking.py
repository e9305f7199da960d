from datetime import datetime

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFulfilmentFollowsTracking(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.write(
            {"street": "Jl. Gudang 1", "city": "Jakarta", "zip": "10110"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Siti Rahma",
                "street": "Jl. Merdeka 17",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 2222",
                "country_id": cls.env.ref("base.id").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Kopi Gayo 250 g", "type": "consu", "weight": 0.3}
        )
        carrier_product = cls.env["product.product"].create(
            {"name": "Kurir Kota", "type": "service"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Kurir Kota",
                "delivery_type": "fixed",
                "product_id": carrier_product.id,
                "fixed_price": 10.0,
                "tracking_create_label": False,
            }
        )

    def _shipped_order(self, carrier):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        if carrier:
            order.set_delivery_line(carrier, 10.0)
            order.carrier_id = carrier
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return order, picking

    def test_carrier_delivery_is_shipped_until_the_carrier_delivers(self):
        order, picking = self._shipped_order(self.carrier)
        self.assertEqual(order.fulfilment_state, "shipped")
        picking._tracking_apply_events(
            [
                {
                    "event_time": datetime(2026, 11, 2, 9, 0),
                    "shipment_state": "in_transit",
                    "status_code": "in_transit",
                    "description": "At the Bandung hub",
                    "location": "Bandung",
                }
            ]
        )
        self.assertEqual(order.fulfilment_state, "shipped")
        picking._tracking_apply_events(
            [
                {
                    "event_time": datetime(2026, 11, 3, 14, 0),
                    "shipment_state": "delivered",
                    "status_code": "delivered",
                    "description": "Received by the customer",
                    "location": "Bandung",
                }
            ]
        )
        # stored and searchable: the filter the back office uses finds it
        self.assertIn(
            order,
            self.env["sale.order"].search([("fulfilment_state", "=", "delivered")]),
        )

    def test_delivery_without_carrier_keeps_its_own_rule(self):
        order, _picking = self._shipped_order(False)
        self.assertEqual(order.fulfilment_state, "delivered")
