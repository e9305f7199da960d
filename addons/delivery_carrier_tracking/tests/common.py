import hashlib
import hmac
import io
import json
import time

from odoo.tests import HttpCase
from odoo.tools.pdf import PdfFileReader


class TrackingCommon(HttpCase):
    """Real deliveries of a consumable, validated through core's flow.

    HttpCase: the label PDFs are rendered by wkhtmltopdf, which fetches the
    report CSS from the running test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.env.company.partner_id.write(
            {"street": "Jl. Gudang 1", "city": "Jakarta", "zip": "10110"}
        )
        cls.country_id = cls.env.ref("base.id")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Budi Santoso",
                "email": "budi@example.com",
                "street": "Jl. Merdeka 17",
                "city": "Bandung",
                "zip": "40111",
                "phone": "+62 812 0000 1111",
                "country_id": cls.country_id.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Batik Shirt", "type": "consu", "weight": 0.75}
        )
        cls.sequence = cls.env["ir.sequence"].create(
            {
                "name": "Test carrier numbers",
                "prefix": "TST",
                "padding": 6,
                "implementation": "standard",
            }
        )
        cls.carrier = cls._create_carrier("Test Courier", sequence=cls.sequence)

    @classmethod
    def _create_carrier(cls, name, sequence=False, delivery_type="fixed", **vals):
        product = cls.env["product.product"].create(
            {"name": name, "type": "service", "sale_ok": False}
        )
        return cls.env["delivery.carrier"].create(
            {
                "name": name,
                "delivery_type": delivery_type,
                "product_id": product.id,
                "fixed_price": 10.0,
                "tracking_create_label": True,
                "tracking_sequence_id": sequence and sequence.id,
                "tracking_url": "https://track.example.com/t?n=<shipmenttrackingnumber>",
                **vals,
            }
        )

    def _create_picking(self, carrier=None, partner=None, qty=2.0):
        picking_type = self.warehouse.out_type_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": (partner or self.customer).id,
                "carrier_id": (carrier or self.carrier).id,
                "origin": "S-TEST",
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
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
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.write({"quantity": qty, "picked": True})
        return picking

    def _validate(self, picking):
        res = picking.button_validate()
        self.assertIs(res, True, "validation should not need a wizard")
        self.assertEqual(picking.state, "done")
        return picking

    def _pdf_pages(self, attachment):
        reader = PdfFileReader(io.BytesIO(attachment.raw), strict=False)
        # wkhtmltopdf separates words with tabs
        return [" ".join(page.extract_text().split()) for page in reader.pages]

    def _post_webhook(self, carrier, body, secret, timestamp=None, signature=None):
        """POST to the carrier's webhook, signed with `secret` (generic HMAC
        scheme) unless a signature is given."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        if signature is None:
            signature = hmac.new(
                secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256
            ).hexdigest()
        # url_open() would GET an empty body: post explicitly
        return self.opener.post(
            f"{self.base_url()}/delivery_tracking/webhook/{carrier.id}",
            data=raw,
            timeout=12,
            headers={
                "Content-Type": "application/json",
                "X-Tracking-Timestamp": timestamp,
                "X-Tracking-Signature": signature,
            },
        )
