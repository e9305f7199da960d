"""COD orders built the way the shop makes them: a website cart with a
carrier offering cash on delivery, its fee line, a transaction of the COD
provider (payment_custom's 'cod' mode) made pending by payment_custom's
handler, then core's post-processing."""

from datetime import datetime, timedelta
from uuid import uuid4

from odoo.addons.delivery_carrier_tracking.tests.common import TrackingCommon
from odoo.fields import Command

SECRET = "cod-webhook-secret"


class CodCommon(TrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env.company.partner_id.phone = "+62 21 555 0100"
        cls.env.company.write(
            {
                "fulfilment_auto_invoice": True,
                "fulfilment_invoice_on_delivery": False,
                "fulfilment_send_invoice": False,
                "cod_invoice_policy": "confirm",
                "cod_refund_failed": True,
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", False)
        cls.website = cls.env["website"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.website.fulfilment_auto_validate_delivery = False
        cls.provider = cls.env.ref("sale_order_fulfilment_cod.payment_provider_cod")
        cls.provider.write({"state": "enabled", "is_published": True})
        cls.cod_method = cls.env.ref("sale_order_fulfilment_cod.payment_method_cod")
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Kopi Gayo 1 kg",
                "type": "consu",
                "weight": 1.0,
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
                "is_published": True,
                "sale_ok": True,
            }
        )
        cls.courier = cls.env["res.partner"].create({"name": "Kurir Toko Kas"})
        cls.cod_carrier = cls._create_carrier(
            "Kurir Toko COD",
            sequence=cls.sequence,
            fixed_price=10.0,
            is_published=True,
            cod_allowed=True,
            cod_fee=4.0,
            cod_max_amount=500.0,
            cod_partner_id=cls.courier.id,
            tracking_webhook_secret=SECRET,
        )
        cls.plain_carrier = cls._create_carrier(
            "Kurir Tanpa COD", fixed_price=12.0, is_published=True
        )
        # amounts without taxes, so that each test reads them as they are
        (
            cls.cod_carrier.product_id
            | cls.plain_carrier.product_id
            | cls.env.ref("sale_order_fulfilment_cod.product_cod_fee")
        ).taxes_id = [Command.clear()]

    def cod_cart(self, partner=None, carrier=None, qty=1.0):
        """A website cart of the customer with a delivery chosen."""
        order = self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "website_id": self.website.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.goods.id, "product_uom_qty": qty}
                    )
                ],
            }
        )
        carrier = carrier or self.cod_carrier
        order.set_delivery_line(carrier, carrier.fixed_price)
        return order

    def provider_cart(self, carrier, qty=1.0, service=None):
        """A website cart priced by `carrier`'s provider as the checkout sets
        it: the service `service` chosen when the method offers several, else
        the method's rate."""
        order = self.cod_cart(carrier=self.plain_carrier, qty=qty)
        if service:
            order._set_checkout_service(carrier, service)
        else:
            rate = carrier.rate_shipment(order)
            self.assertTrue(rate["success"], rate["error_message"])
            order.set_delivery_line(carrier, rate["price"])
        return order

    def pay_cod(self, order):
        """The customer chose cash on delivery: fee line, transaction made
        pending by the provider's notification handler, post-processing (as
        /payment/status/poll runs it)."""
        order._cod_set_fee_line()
        tx = self.cod_transaction(order, order.amount_total)
        tx._post_process()
        return tx

    def cod_transaction(self, order, amount):
        """A COD transaction of the order for `amount`, made pending by
        payment_custom's notification handler (the customer's choice)."""
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.cod_method.id,
                    "amount": amount,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "reference": f"{order.name}-{uuid4().hex[:8]}",
                    "operation": "online_redirect",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )
        tx._handle_notification_data("custom", {"reference": tx.reference})
        return tx

    def ship(self, order, user=None):
        picking = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        if user:
            self.env.invalidate_all()
            picking = picking.with_user(user)
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        self.assertIs(picking.with_context(skip_sms=True).button_validate(), True)
        self.assertEqual(picking.state, "done")
        return picking.sudo()

    def report(self, picking, status, status_code=None, description=""):
        """The carrier's webhook (public user, signed) for the delivery."""
        event_time = datetime.now() - timedelta(minutes=5)
        body = {
            "tracking_number": picking.carrier_tracking_ref,
            "events": [
                {
                    "id": f"{status_code or status}-{uuid4().hex[:6]}",
                    "time": event_time.isoformat(),
                    "status": status,
                    "status_code": status_code or status,
                    "description": description,
                }
            ],
        }
        response = self._post_webhook(picking.carrier_id, body, SECRET)
        self.assertEqual(response.status_code, 200, response.text)
        self.env.invalidate_all()
        return response

    def receivable_balance(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def offers_cod(self):
        """Whether the customer's payment step lists cash on delivery."""
        page = self.url_open("/shop/payment")
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.url.endswith("/shop/payment"), page.url)
        self.assertIn('name="o_payment_radio"', page.text)
        return f'data-provider-id="{self.provider.id}"' in page.text

    def check_portal_payment_page(self, collects, refuses, provider_requests):
        """The portal customer (HttpCaseWithUserPortal's, in Bandung) with a
        cart of the goods: the payment step lists cash on delivery with the
        method `collects`, shown again without asking its provider
        (`provider_requests()`: its rates requests so far, the offer reads
        the rates kept for the cart), and not with the method `refuses`."""
        self.partner_portal.write(
            {
                "street": "Jl. Braga 2",
                "city": "Bandung",
                "zip": "40111",
                "phone": "0813 1111 2222",
                "country_id": self.env.ref("base.id").id,
                "state_id": self.env.ref("base.state_id_jb").id,
            }
        )
        self.authenticate("portal", "portal")
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.goods.id, "add_qty": 1}
        )
        for carrier, offered in ((collects, True), (refuses, False)):
            summary = self.make_jsonrpc_request(
                "/shop/set_delivery_method", {"dm_id": carrier.id}
            )
            self.assertTrue(summary["success"], summary)
            self.assertEqual(self.offers_cod(), offered, carrier.name)
            requests_made = provider_requests()
            self.assertEqual(self.offers_cod(), offered, carrier.name)
            self.assertEqual(provider_requests(), requests_made)
