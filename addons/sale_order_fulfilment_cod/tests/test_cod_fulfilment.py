from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged

from .common import SECRET, CodCommon


@tagged("post_install", "-at_install")
class TestCodFulfilment(CodCommon):
    """A COD order after the checkout: confirmed unpaid, invoiced per policy,
    validated by the warehouse, paid by the collection entry when the
    carrier's webhook says delivered, or failed when the parcel comes back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = new_test_user(
            cls.env, "cod_gudang", groups="stock.group_stock_user", name="Gudang Wati"
        )
        cls.salesman = new_test_user(
            cls.env, "cod_sales", groups="sales_team.group_sale_salesman", name="Andi"
        )

    def test_confirmed_awaiting_cod_not_paid(self):
        order = self.cod_cart()
        tx = self.pay_cod(order)
        self.assertEqual(tx.state, "pending")
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.is_cod)
        self.assertEqual(order.cod_state, "to_collect")
        self.assertFalse(order.fulfilment_paid)
        fee = order._cod_fee_lines()
        self.assertEqual(len(fee), 1)
        self.assertEqual(fee.price_unit, 4.0)
        self.assertEqual(order.amount_total, 114.0)
        self.assertEqual(order.cod_amount, 114.0)
        # policy "at confirmation": invoiced and posted, not paid
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.amount_total, 114.0)
        self.assertFalse(order.fulfilment_exception, order.fulfilment_exception_reason)
        self.assertFalse(order.cod_collection_move_id)
        self.assertEqual(order.fulfilment_state, "invoiced")
        # the batch has nothing to do for it before the delivery
        self.assertNotIn(
            order, order.search(order._get_fulfilment_todo_domain("batch"))
        )

    def test_warehouse_user_validates_carrier_delivers_invoice_paid(self):
        user = self.warehouse_user
        self.assertFalse(user.has_group("account.group_account_invoice"))
        self.assertFalse(user.has_group("sales_team.group_sale_salesman"))
        order = self.cod_cart()
        self.pay_cod(order)
        picking = self.ship(order, user=user)
        self.assertEqual(picking._get_cod_amount_to_collect(), 114.0)
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertTrue(picking.carrier_tracking_ref)
        self.report(picking, "in_transit")
        self.assertEqual(order.cod_state, "to_collect")
        self.report(picking, "delivered")
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertEqual(
            order.cod_state, "collected", order.fulfilment_exception_reason
        )
        self.assertFalse(order.fulfilment_exception)
        self.assertEqual(order.fulfilment_state, "delivered")
        invoice = order.invoice_ids
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.receivable_balance(order.partner_id), 0.0)
        move = order.cod_collection_move_id
        company = self.env.company
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.move_type, "entry")
        self.assertEqual(move.journal_id, company.cod_journal_id)
        self.assertEqual(move.cod_sale_order_id, order)
        self.assertEqual(move.company_id, order.company_id)
        cod_line = move.line_ids.filtered(
            lambda line: line.account_id == company.cod_receivable_account_id
        )
        self.assertEqual(cod_line.debit, 114.0)
        self.assertEqual(cod_line.partner_id, self.courier)
        self.assertEqual(cod_line.name, order.name)
        self.assertFalse(cod_line.reconciled)
        customer_line = move.line_ids - cod_line
        self.assertEqual(customer_line.credit, 114.0)
        self.assertTrue(customer_line.reconciled)
        self.assertTrue(order.cod_collected_date)
        self.assertEqual(picking._get_cod_amount_to_collect(), 0.0)
        # a resent "delivered" books nothing twice
        self.report(picking, "delivered")
        self.assertEqual(
            self.env["account.move"].search_count(
                [("cod_sale_order_id", "=", order.id)]
            ),
            1,
        )

    def test_collection_failure_exception_then_fulfil(self):
        """A collection entry that cannot be posted (the COD receivable
        account deprecated) leaves the order in exception, the delivery kept;
        once fixed, the salesperson's Fulfil books it."""
        account = self.env.company.cod_receivable_account_id
        account.deprecated = True
        order = self.cod_cart(partner=self.customer)
        order.user_id = self.salesman
        self.pay_cod(order)
        picking = self.ship(order, user=self.warehouse_user)
        self.report(picking, "delivered")
        self.assertEqual(picking.shipment_state, "delivered")
        self.assertTrue(order.fulfilment_exception)
        self.assertEqual(order.fulfilment_state, "exception")
        self.assertEqual(order.cod_state, "to_collect")
        self.assertFalse(order.cod_collection_move_id)
        # the batch leaves it to a person
        self.assertNotIn(
            order, order.search(order._get_fulfilment_todo_domain("batch"))
        )
        account.deprecated = False
        self.env.invalidate_all()
        self.assertIs(order.with_user(self.salesman).action_fulfil(), True)
        self.assertEqual(order.cod_state, "collected")
        self.assertFalse(order.fulfilment_exception)
        self.assertEqual(order.invoice_ids.payment_state, "paid")

    def test_other_company_books_in_its_own_journal(self):
        """The webhook arrives as the public user of the main company; the
        order, delivery and books are another company's: the collection
        entry goes to that company's COD journal and account (made on first
        use for a company whose chart came after the module)."""
        company = self.env["res.company"].create(
            {
                "name": "Toko Cabang Bandung",
                "currency_id": self.env.company.currency_id.id,
            }
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        company.partner_id.write(
            {
                "street": "Jl. Dago 5",
                "city": "Bandung",
                "zip": "40135",
                "phone": "+62 22 555 0100",
            }
        )
        self.assertFalse(company.cod_journal_id)
        warehouse_user = new_test_user(
            self.env,
            "cod_gudang_bandung",
            groups="stock.group_stock_user",
            company_id=company.id,
            company_ids=[company.id],
        )
        carrier = self._create_carrier(
            "Kurir Bandung COD",
            sequence=self.sequence,
            company_id=company.id,
            cod_allowed=True,
            cod_fee=4.0,
            tracking_webhook_secret=SECRET,
        )
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": self.goods.id}),
                    ],
                }
            )
        )
        order.set_delivery_line(carrier, 10.0)
        order._cod_set_fee_line()
        # confirmed as a COD transaction confirms it (test_cod_checkout)
        order.write({"is_cod": True, "cod_state": "to_collect"})
        order.action_confirm()
        order._fulfilment_run("payment")
        self.assertEqual(order.invoice_ids.company_id, company)
        picking = self.ship(order, user=warehouse_user)
        self.report(picking, "delivered")
        self.assertEqual(
            order.cod_state, "collected", order.fulfilment_exception_reason
        )
        move = order.cod_collection_move_id
        self.assertEqual(move.company_id, company)
        self.assertEqual(move.journal_id, company.cod_journal_id)
        self.assertEqual(company.cod_receivable_account_id.company_ids, company)
        self.assertIn(company.cod_receivable_account_id, move.line_ids.account_id)
        self.assertEqual(order.invoice_ids.payment_state, "paid")
        self.assertNotEqual(company.cod_journal_id, self.env.company.cod_journal_id)

    def test_billing_user_cancels_the_invoice(self):
        """A person taking the COD invoice back stops the automation for the
        order (it would invoice again); Fulfil goes on."""
        billing = new_test_user(
            self.env, "cod_billing", groups="account.group_account_invoice"
        )
        order = self.cod_cart()
        self.pay_cod(order)
        invoice = order.invoice_ids
        invoice.with_user(billing).button_draft()
        invoice.with_user(billing).button_cancel()
        self.assertTrue(order.fulfilment_exception)
        self.assertIn(invoice.name, order.fulfilment_exception_reason)
        self.assertIn("cash-on-delivery", order.fulfilment_exception_reason)
        self.assertNotIn(
            order, order.search(order._get_fulfilment_todo_domain("batch"))
        )
        self.assertIs(order.with_user(billing).action_fulfil(), True)
        self.assertFalse(order.fulfilment_exception)
        invoices = order.invoice_ids.filtered(lambda m: m.state == "posted")
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices.payment_state, "not_paid")

    def test_invoice_when_delivered(self):
        self.env.company.cod_invoice_policy = "delivered"
        order = self.cod_cart()
        self.pay_cod(order)
        self.assertFalse(order.invoice_ids)
        # not invoiced yet, and not waiting for an online payment
        self.assertEqual(order.fulfilment_state, "awaiting_cod")
        self.assertEqual(
            order.get_fulfilment_status()[0]["state_label"],
            "Awaiting Cash on Delivery",
        )
        picking = self.ship(order, user=self.warehouse_user)
        self.assertFalse(order.invoice_ids)
        self.report(picking, "delivered")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(order.cod_state, "collected")
        self.assertEqual(self.receivable_balance(order.partner_id), 0.0)

    def test_rejected_parcel(self):
        """A parcel the courier rejects brings no cash: the COD fails at the
        event. (A parcel coming back is the return to sender's, decided at
        receipt: sale_order_fulfilment_cod_return.)"""
        order = self.cod_cart()
        self.pay_cod(order)
        invoice = order.invoice_ids
        picking = self.ship(order, user=self.warehouse_user)
        self.report(picking, "in_transit")
        self.report(
            picking, "exception", status_code="rejected", description="Paket ditolak"
        )
        self.assertEqual(order.cod_state, "failed")
        self.assertFalse(order.cod_collection_move_id)
        self.assertFalse(
            self.env["account.move"].search([("cod_sale_order_id", "=", order.id)])
        )
        # nothing on the COD receivable, the invoice reversed by a credit note
        cod_lines = self.env["account.move.line"].search(
            [("account_id", "=", self.env.company.cod_receivable_account_id.id)]
        )
        self.assertFalse(
            cod_lines.filtered(
                lambda line: line.move_id.ref and order.name in line.move_id.ref
            )
        )
        refund = order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount_total, invoice.amount_total)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(self.receivable_balance(order.partner_id), 0.0)
        # exception with the reason; no return picking made here (the return
        # to sender makes it, once, when the carrier brings a parcel back)
        self.assertTrue(order.fulfilment_exception)
        self.assertEqual(order.fulfilment_state, "exception")
        self.assertIn("rejected", order.fulfilment_exception_reason)
        self.assertIn("Paket ditolak", order.fulfilment_exception_reason)
        self.assertFalse(picking.return_ids)
        # the batch leaves it to a person
        self.assertNotIn(
            order, order.search(order._get_fulfilment_todo_domain("batch"))
        )

    def test_disposed_parcel_is_a_failed_cod(self):
        self.env.company.cod_invoice_policy = "delivered"
        order = self.cod_cart()
        self.pay_cod(order)
        picking = self.ship(order)
        self.report(picking, "exception", status_code="disposed")
        self.assertEqual(order.cod_state, "failed")
        self.assertFalse(order.invoice_ids)
        self.assertTrue(order.fulfilment_exception)
        # disposed: nothing comes back to receive
        self.assertFalse(picking.return_ids)

    def test_salesperson_changes_carrier_fee_follows(self):
        order = self.cod_cart().with_user(self.salesman)
        order.sudo()._cod_set_fee_line()
        self.env.invalidate_all()
        other = self.cod_carrier.copy({"name": "Kurir Kilat COD", "cod_fee": 6.0})
        order.set_delivery_line(other, 15.0)
        fee = order._cod_fee_lines()
        self.assertEqual(len(fee), 1)
        self.assertEqual(fee.price_unit, 6.0)
        order.set_delivery_line(other, 15.0)
        self.assertEqual(len(order._cod_fee_lines()), 1)
        # a carrier without COD: no fee line
        order.set_delivery_line(self.plain_carrier, 12.0)
        self.assertFalse(order._cod_fee_lines())
        self.assertEqual(order.amount_total, 112.0)
        # the fee line is not a product of the cart
        self.assertTrue(
            order.sudo().order_line.filtered("is_delivery")._is_not_sellable_line()
        )

    def test_offer_refusals(self):
        order = self.cod_cart(carrier=self.plain_carrier)
        offer = order._cod_get_offer()
        self.assertFalse(offer["available"])
        self.assertIn(
            "Kurir Tanpa COD does not offer cash on delivery", offer["reason"]
        )
        big = self.cod_cart(qty=5.0)  # 500 + 10 + 4 fee > 500
        offer = big._cod_get_offer()
        self.assertFalse(offer["available"])
        self.assertIn("up to", offer["reason"])
        with self.assertRaisesRegex(Exception, "up to"):
            big._cod_set_fee_line()
        self.assertFalse(big._cod_fee_lines())
        none = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.assertFalse(none._cod_get_offer()["available"])
        # no COD for invoices or orders outside the shop's checkout
        providers = self.env["payment.provider"]._get_compatible_providers(
            self.env.company.id, self.customer.id, 100.0
        )
        self.assertNotIn(self.provider, providers)
        providers = self.env["payment.provider"]._get_compatible_providers(
            self.env.company.id, self.customer.id, 100.0, sale_order_id=big.id
        )
        self.assertNotIn(self.provider, providers)
        fits = self.cod_cart()
        providers = self.env["payment.provider"]._get_compatible_providers(
            self.env.company.id, self.customer.id, 100.0, sale_order_id=fits.id
        )
        self.assertIn(self.provider, providers)

    def test_order_currency_without_rate(self):
        """The fee and maximum are in the carrier's currency: an order in a
        currency without any rate is refused COD (Odoo would convert at 1.0),
        named in the reason; with a rate the fee is converted."""
        currency = self.env.ref("base.XCD")
        currency.active = True
        currency.rate_ids.unlink()
        pricelist = self.env["product.pricelist"].create(
            {"name": "Harga X", "currency_id": currency.id}
        )
        order = self.cod_cart()
        order.write({"pricelist_id": pricelist.id})
        offer = order._cod_get_offer()
        self.assertFalse(offer["available"])
        self.assertIn("no exchange rate for XCD", offer["reason"])
        with self.assertRaisesRegex(Exception, "no exchange rate for XCD"):
            order._cod_set_fee_line()
        self.assertFalse(order._cod_fee_lines())
        self.env["res.currency.rate"].create(
            {"currency_id": currency.id, "rate": 2.0, "name": "2020-01-01"}
        )
        offer = order._cod_get_offer()
        self.assertTrue(offer["available"], offer["reason"])
        self.assertEqual(offer["fee"], 8.0)
        self.assertEqual(offer["max_amount"], 1000.0)

    def test_label_shows_amount_to_collect(self):
        order = self.cod_cart()
        self.pay_cod(order)
        picking = self.ship(order, user=self.warehouse_user)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "delivery_carrier_tracking.report_shipping_label", picking.ids
            )[0]
            .decode()
        )
        self.assertIn("o_label_cod", html)
        self.assertIn("114.00", html)
        plain = self.cod_cart(carrier=self.plain_carrier)
        plain.action_confirm()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "delivery_carrier_tracking.report_shipping_label",
                plain.picking_ids.ids,
            )[0]
            .decode()
        )
        self.assertNotIn("o_label_cod", html)

    def test_accounting_defaults(self):
        company = self.env.company
        self.assertEqual(company.cod_journal_id.type, "general")
        account = company.cod_receivable_account_id
        self.assertTrue(account.reconcile)
        self.assertEqual(account.account_type, "asset_current")

    def test_backorder_carries_no_cash(self):
        """Two of a product, one shipped first: the first delivery carries
        the whole amount (the one decision, stock.picking.cod_collect), the
        backorder nothing; the cash is booked when the delivery that carries
        it is delivered, and news of the backorder neither collects nor
        fails."""
        order = self.cod_cart(qty=2.0)
        self.pay_cod(order)
        first = order.picking_ids.with_user(self.warehouse_user)
        first.move_ids.write({"quantity": 1.0, "picked": True})
        action = first.with_context(skip_sms=True).button_validate()
        Form(
            self.env[action["res_model"]]
            .with_user(self.warehouse_user)
            .with_context(**action["context"])
        ).save().process()
        first = first.sudo()
        self.assertEqual(first.state, "done")
        self.assertTrue(first.carrier_tracking_ref)
        backorder = order.picking_ids - first
        self.assertEqual(backorder.backorder_id, first)
        self.assertEqual((first.cod_collect, backorder.cod_collect), (True, False))
        self.assertEqual(first._get_cod_amount_to_collect(), order.cod_amount)
        self.assertEqual(backorder._get_cod_amount_to_collect(), 0.0)
        backorder.move_ids.write({"quantity": 1.0, "picked": True})
        backorder.with_context(skip_sms=True).button_validate()
        self.report(backorder, "in_transit")
        self.assertEqual(order.cod_state, "to_collect")
        # the cash is with the courier: the backorder on its way holds nothing
        self.report(first, "delivered")
        self.assertEqual(order.cod_state, "collected")
        self.report(backorder, "delivered")
        self.assertEqual(
            self.env["account.move"].search_count(
                [("cod_sale_order_id", "=", order.id)]
            ),
            1,
        )
