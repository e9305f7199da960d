"""Biteship's COD export imported: its columns and its reference_id, found
through the hooks of the generic payout import."""

import base64

from odoo.addons.sale_order_fulfilment_cod_remittance.tests.common import (
    CodRemittanceCase,
)
from odoo.tests import Form, tagged

HEADER = (
    "Order ID;Reference ID;Waybill ID;Courier;COD Amount;COD Fee;"
    "Shipping Fee;Disbursement Amount;Disbursement Date"
)


@tagged("post_install", "-at_install")
class TestBiteshipPayout(CodRemittanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship = cls.env["delivery.carrier"].create(
            {
                "name": "Biteship JNE REG",
                "delivery_type": "biteship",
                "biteship_courier_company": "jne",
                "biteship_courier_type": "reg",
                "biteship_reference_prefix": "SHOP1-",
                "product_id": cls.carrier.product_id.id,
                "cod_partner_id": cls.aggregator.id,
            }
        )

    def shipped_with_biteship(self, price):
        """A delivered COD order whose delivery was booked with Biteship."""
        order = self.delivered_cod_order(price)
        order.picking_ids.carrier_id = self.biteship
        return order

    def test_biteship_export_through_the_wizard(self):
        """Biteship's COD export: no payout column (the reference comes from
        the wizard), the order named by Biteship's reference_id (the delivery
        with the method's prefix) or the waybill, amounts in rupiah with
        thousands dots, a disbursed amount checked against amount - fees."""
        first, second = (
            self.shipped_with_biteship(150000),
            self.shipped_with_biteship(75000),
        )
        picking = first.picking_ids[:1]
        second_picking = second.picking_ids[:1]
        second_picking.parcel_ids = [(0, 0, {"tracking_number": "JNE00998877"})]
        rows = [
            f"5f1a;SHOP1-{picking.name};JNE00112233;jne;Rp 150.000;4.500;0;"
            + "145.500;20/11/2026",
            "5f1b;;JNE00998877;jne;75.000;2.250;0;72.750;20/11/2026",
        ]
        content = "\n".join([HEADER, *rows]).encode()
        self.statement_line(218250.0, "BITESHIP WD-7781")
        # The form as the billing user opens it; the file and its name are
        # what the upload widget sets.
        with Form(self.env["cod.remittance.import"].with_user(self.billing)) as form:
            form.reference = "WD-7781"
            form.journal_id = self.bank_journal
            form.file = base64.b64encode(content)
        wizard = form.record
        wizard.filename = "cod_disbursement.csv"
        action = wizard.action_import()
        payout = self.env["cod.remittance"].browse(action["res_id"])
        self.assertEqual(payout.name, "WD-7781")
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(payout.amount, 225000.0)
        self.assertEqual(payout.cod_fee, 6750.0)
        self.assertEqual(
            payout.line_ids.mapped("file_reference"),
            [f"SHOP1-{picking.name}", "JNE00998877"],
        )
        self.assertEqual((first + second).mapped("cod_state"), ["remitted", "remitted"])

    def test_reference_of_a_second_biteship_order(self):
        """A delivery re-sent after its first Biteship order died has the
        reference "<prefix><delivery>-2"; the prefix of another method or no
        prefix at all names nothing."""
        order = self.shipped_with_biteship(100000)
        picking = order.picking_ids[:1]
        find = self.env["sale.order"]._cod_remittance_find_orders
        keys = {
            f"SHOP1-{picking.name}-2",
            f"SHOP2-{picking.name}",
            f"{picking.name}-2",
        }
        self.assertEqual(find(keys, self.company), {f"SHOP1-{picking.name}-2": order})
        # the generic keys still work
        self.assertEqual(find({picking.name}, self.company), {picking.name: order})

    def test_biteship_layout_is_offered_to_the_import(self):
        names = [f.name for f in self.env["cod.remittance"]._cod_remittance_formats()]
        self.assertEqual(names, ["COD payout CSV", "Biteship COD export"])
