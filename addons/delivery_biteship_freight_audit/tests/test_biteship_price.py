import json
from pathlib import Path

from odoo.tests import BaseCase, tagged

from ..biteship_price import price_details

# Payloads captured or documented outside this project (their README says
# where each comes from), beside the repository.
PAYLOADS = Path(__file__).resolve().parents[3].parent / "shared/biteship_real_payloads"


def payload(name):
    return json.loads((PAYLOADS / name).read_text())


@tagged("post_install", "-at_install")
class TestBiteshipPrice(BaseCase):
    def test_order_price_webhook_of_the_docs(self):
        webhook = payload("webhook_order_price_1_docs.json")
        # an order answer without parts, at the webhook's price: the
        # webhook's parts (Biteship's "shippment_fee") fill them
        price, parts, raw = price_details({"price": 100000}, webhook)
        self.assertEqual(price, 100000)
        self.assertEqual(
            parts,
            {
                "shipping_fee": 10000,
                "insurance_fee": None,
                "cod_fee": 100000,
                "proof_of_delivery_fee": 2000,
            },
        )
        self.assertEqual(raw["webhook"], webhook)
        # the order says another price: the webhook's parts are not its own
        _price, parts, _raw = price_details({"price": 90000}, webhook)
        self.assertEqual(set(parts.values()), {None})

    def test_orders_of_the_docs(self):
        price, parts, raw = price_details(
            payload("order_retrieve_response_1_docs.json")
        )
        self.assertEqual(price, 27500)
        self.assertEqual(
            parts,
            {
                "shipping_fee": 25000,
                "insurance_fee": 2500,
                "cod_fee": 0,
                "proof_of_delivery_fee": 0,
            },
        )
        self.assertEqual(raw["order"]["courier.shipment_fee"], 25000)
        # the booking answer has no shipment fee: the audit derives it
        price, parts, _raw = price_details(payload("order_create_response_1_docs.json"))
        self.assertEqual(price, 48000)
        self.assertEqual(
            parts,
            {
                "shipping_fee": None,
                "insurance_fee": 2500,
                "cod_fee": 20000,
                "proof_of_delivery_fee": 0,
            },
        )

    def test_every_order_shape_parses(self):
        """Old shapes, draft orders, the draft-confirm answer: a price when
        the answer has one, parts as numbers or None, never an error."""
        names = sorted(
            p.name
            for p in PAYLOADS.glob("*.json")
            if p.name.startswith(("order_", "draft_order_create"))
        )
        self.assertGreaterEqual(len(names), 8)
        for name in names:
            body = payload(name)
            price, parts, _raw = price_details(body)
            self.assertEqual(price, body.get("price"), name)
            for value in parts.values():
                self.assertTrue(value is None or isinstance(value, int), name)
        # not an order at all
        price, parts, _raw = price_details(None, "not a webhook")
        self.assertIsNone(price)
        self.assertEqual(set(parts.values()), {None})
