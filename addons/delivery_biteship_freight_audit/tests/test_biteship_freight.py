import json
from pathlib import Path

from odoo.addons.delivery_biteship.tests.common import BiteshipCommon
from odoo.tests import tagged

SECRET = "whsec-freight-0123456789"
HEADER = "X-Biteship-Signature"
PAYLOADS = Path(__file__).resolve().parents[3].parent / "shared/biteship_real_payloads"


@tagged("post_install", "-at_install")
class TestBiteshipFreight(BiteshipCommon):
    """Biteship's prices through the booking and its order.price webhook, as
    the stand-in sends them (amounts rupiah, 16,000 to the company's USD)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship.tracking_webhook_secret = SECRET
        cls.env.company.write(
            {"freight_threshold_amount": 0.0, "freight_threshold_percent": 10.0}
        )

    def _webhook(self, payload):
        status, body, outcome = self._send_webhook(
            f"{self.base_url()}/delivery_tracking/webhook/{self.biteship.id}",
            payload,
            SECRET,
            header_name=HEADER,
        )
        self.assertEqual(status, 200, body)
        return outcome

    def _shipped_order(self):
        order = self._sale_order()
        order.set_delivery_line(self.biteship, 1.5)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 3, "picked": True})
        return self._validate(picking)

    def test_reweighed_parcel(self):
        picking = self._shipped_order()
        order_id = picking.carrier_shipment_id
        # 3 x 0.75 kg: 3 kg at JNE REG's 9,000 a kg
        [booked] = picking.freight_cost_ids
        self.assertEqual((booked.amount, booked.shipping_fee), (1.69, 1.69))
        self.assertEqual(json.loads(booked.raw_values)["order"]["price"], 27000)
        self.assertEqual((picking.freight_quoted, picking.freight_booked), (1.5, 1.69))
        self.assertEqual(
            (picking.shipment_courier, picking.shipment_service), ("JNE", "REG")
        )
        self.env.flush_all()  # committed long before Biteship calls back

        self.assertEqual(self.server.reweigh(order_id, 9.2), 90000)
        payload = self.server.webhook_payload("order.price", order_id)
        self.assertEqual(payload["shippment_fee"], 90000)
        self.assertEqual(self._webhook(payload)["applied"], 1)
        self._webhook(payload)  # Biteship's Resend button
        picking.invalidate_recordset()
        self.assertEqual(len(picking.freight_cost_ids), 2)
        report = picking.freight_cost_ids[-1]
        self.assertEqual((report.previous_amount, report.amount), (1.69, 5.63))
        self.assertEqual((report.shipping_fee, report.reason), (5.63, "weight"))
        self.assertEqual(json.loads(report.raw_values)["webhook"], payload)
        self.assertEqual(picking.carrier_price, 5.63)
        self.assertEqual(len(picking.activity_ids.filtered("summary")), 1)

    def test_order_price_webhook_of_the_docs_replayed(self):
        """The docs' order.price, sent for an order of ours whose answer
        carries its price but not its shipment and COD fees: the webhook's
        are used (those the answer has win, it is what Biteship says now)."""
        picking = self._shipped_order()
        order_id = picking.carrier_shipment_id
        self.env.flush_all()
        docs = json.loads((PAYLOADS / "webhook_order_price_1_docs.json").read_text())
        with self.server.lock:
            order = self.server.orders[order_id]
            order["price"] = docs["price"]
            del order["courier"]["shipment_fee"]
            del order["destination"]["cash_on_delivery"]["fee"]
            waybill = order["courier"]["waybill_id"]
        payload = dict(
            docs,
            order_id=order_id,
            courier_tracking_id=order["courier"]["tracking_id"],
            courier_waybill_id=waybill,
        )
        self.assertEqual(self._webhook(payload)["applied"], 1)
        picking.invalidate_recordset()
        report = picking.freight_cost_ids[-1]
        # 100,000 = 10,000 shipping + 100,000 COD + 2,000 proof of delivery,
        # less 12,000 the docs' parts leave unexplained
        self.assertEqual(
            (
                report.amount,
                report.shipping_fee,
                report.cod_fee,
                report.proof_of_delivery_fee,
                report.other_fee,
            ),
            (6.25, 0.63, 6.25, 0.13, -0.76),
        )
        self.assertEqual(report.reason, "cod_fee")
        self.assertEqual(report.reason_keys, "cod_fee,weight,other,proof_of_delivery")
        self.assertEqual(
            json.loads(report.raw_values)["webhook"]["shippment_fee"], 10000
        )

    def test_return_postage_booked_once(self):
        """The courier brings the parcel back and Biteship's price grows by
        its return postage: one cost change 'Return postage', one journal
        entry of it on the carrier's partner, whatever the order and the
        resends of the real return_in_transit status webhook and the
        order.price one."""
        Account = self.env["account.account"]
        expense = Account.create(
            {"name": "Freight Out", "code": "600911", "account_type": "expense"}
        )
        accrual = Account.create(
            {
                "name": "Accrued Freight",
                "code": "210911",
                "account_type": "liability_current",
            }
        )
        self.biteship.product_id.property_account_expense_id = expense
        self.env.company.write(
            {
                "freight_cost_posting": "journal_entry",
                "freight_journal_id": self.env["account.journal"]
                .search(
                    [
                        ("type", "=", "general"),
                        ("company_id", "=", self.env.company.id),
                    ],
                    limit=1,
                )
                .id,
                "freight_accrual_account_id": accrual.id,
            }
        )
        jne = self.env["res.partner"].create({"name": "Biteship (billing)"})
        self.biteship.freight_partner_id = jne
        picking = self._shipped_order()
        order_id = picking.carrier_shipment_id
        self.assertEqual(picking.freight_final, 1.69)  # 27,000
        self.env.flush_all()

        # JNE charges half the outbound fee to bring it back: 13,500
        self.assertEqual(self.server.return_to_sender(order_id, 13500), 40500)
        real = json.loads(
            (
                PAYLOADS / "webhook_order_status_3_real_return_in_transit_gojek.json"
            ).read_text()
        )
        with self.server.lock:
            courier = self.server.orders[order_id]["courier"]
            status_hook = dict(
                real,
                order_id=order_id,
                courier_tracking_id=courier["tracking_id"],
                courier_waybill_id=courier["waybill_id"],
                courier_company=courier["company"],
                courier_type=courier["type"],
            )
        price_hook = self.server.webhook_payload("order.price", order_id)
        # the price first, the status after, each resent (a resend is the
        # inbox row already recorded: nothing applied again)
        for payload, applied in (
            (price_hook, 1),
            (status_hook, 1),
            (price_hook, 0),
            (status_hook, 0),
        ):
            self.assertEqual(self._webhook(payload)["applied"], applied)
        picking.invalidate_recordset()
        self.assertEqual(len(picking.freight_cost_ids), 2)
        report = picking.freight_cost_ids[-1]
        self.assertEqual(
            (report.amount, report.shipping_fee, report.return_fee, report.other_fee),
            (2.53, 1.69, 0.84, 0.0),
        )
        self.assertEqual((report.reason, picking.freight_reason), ("return", "return"))
        self.assertEqual(picking.freight_return_postage, 0.84)
        move = report.move_id
        self.assertEqual(move.state, "posted")
        self.assertIn("Return postage", move.ref)
        self.assertEqual(move.line_ids.partner_id, jne)
        expense_line = move.line_ids.filtered(lambda line: line.account_id == expense)
        self.assertEqual(expense_line.debit, 0.84)
        # the freight audit shows it
        row = self.env["stock.picking.freight.report"].search(
            [("picking_id", "=", picking.id)]
        )
        self.assertEqual((row.return_postage, row.reason), (0.84, "return"))

        # returned at the shop: the same price, nothing more is booked
        self.server.set_status(order_id, "returned")
        self._webhook(self.server.webhook_payload("order.status", order_id))
        self._webhook(self.server.webhook_payload("order.price", order_id))
        picking.invalidate_recordset()
        self.assertEqual(len(picking.freight_cost_ids), 2)
        self.assertEqual(
            len(
                picking.freight_cost_ids.move_id.filtered(lambda m: m.state == "posted")
            ),
            2,
        )

    def test_biteship_partner_bills_the_freight(self):
        """With no partner of its own, a Biteship method's freight is billed
        by Biteship's partner (the COD bridge's, when installed)."""
        self.biteship.freight_partner_id = False
        partner = self.env.ref(
            "delivery_biteship_cod.partner_biteship", raise_if_not_found=False
        )
        self.assertEqual(
            self.biteship._freight_partner(), partner or self.env["res.partner"]
        )
        other = self.env["res.partner"].create({"name": "Our JNE account"})
        self.biteship.freight_partner_id = other
        self.assertEqual(self.biteship._freight_partner(), other)
