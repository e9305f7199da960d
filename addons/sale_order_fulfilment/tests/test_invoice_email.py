from odoo.tests import tagged

from .common import FulfilmentCase, pay, set_policy


@tagged("post_install", "-at_install")
class TestInvoiceEmail(FulfilmentCase):
    def invoice_mails(self, invoice):
        """Customer mails of the invoice: core's sending posts them as comments."""
        return invoice.message_ids.filtered(
            lambda m: (
                m.message_type == "comment"
                and m.subtype_id == self.env.ref("mail.mt_comment")
            )
        )

    def assert_sent_once(self, order):
        invoice = self.customer_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertTrue(invoice.is_move_sent)
        mail = self.invoice_mails(invoice)
        self.assertEqual(len(mail), 1, "one invoice mail")
        self.assertIn(self.partner, mail.partner_ids)
        # The PDF core rendered for the invoice (HTML inside in tests), attached.
        self.assertTrue(invoice.invoice_pdf_report_id)
        pdf = invoice.invoice_pdf_report_id
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertEqual(mail.attachment_ids.name, pdf.name)
        self.assertEqual(mail.attachment_ids.raw, pdf.raw)
        self.assertEqual(mail.attachment_ids.mimetype, "application/pdf")
        return invoice, mail

    def test_paid_order_invoice_emailed_once(self):
        set_policy(self.env, auto_invoice=True, send=True)
        order = self.order()
        pay(order)
        invoice, mail = self.assert_sent_once(order)
        self.env["sale.order"]._cron_fulfil_orders()
        order.action_fulfil()
        self.assertEqual(self.invoice_mails(invoice), mail, "not sent again")

    def test_public_user_payment_sends_as_odoobot(self):
        set_policy(self.env, auto_invoice=True, send=True)
        order = self.order()
        public = self.env.ref("base.public_user")
        # The website's payment status route post-processes as the public user.
        pay(order.with_user(public).sudo())
        __, mail = self.assert_sent_once(order)
        odoobot = self.env.ref("base.user_root")
        self.assertEqual(mail.create_uid, odoobot)
        self.assertNotEqual(mail.author_id, public.partner_id)
        self.assertEqual(mail.email_from, odoobot.email_formatted)

    def test_batch_emails_once(self):
        set_policy(self.env, auto_invoice=False, send=True)
        orders = self.order() | self.order()
        for order in orders:
            pay(order)
        self.assertFalse(orders.invoice_ids)
        set_policy(self.env, auto_invoice=True, send=True)
        self.env["sale.order"]._cron_fulfil_orders()
        mails = self.env["mail.message"]
        for order in orders:
            mails |= self.assert_sent_once(order)[1]
        self.env["sale.order"]._cron_fulfil_orders()
        orders.action_fulfil()
        self.assertEqual(self.invoice_mails(orders.invoice_ids), mails)

    def test_send_off_no_mail(self):
        set_policy(self.env, auto_invoice=True, send=False)
        order = self.order()
        pay(order)
        self.env["sale.order"]._cron_fulfil_orders()
        invoice = self.customer_invoices(order)
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.is_move_sent)
        self.assertFalse(self.invoice_mails(invoice))
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "account.move"), ("res_id", "=", invoice.id)]
            )
        )

    def test_invoice_template_of_the_sales_settings_is_used(self):
        """The template chosen in Sales settings (core's invoice email template
        of online payments) is the one the automation's mail uses."""
        template = self.env.ref("account.email_template_edi_invoice").copy(
            {"subject": "Faktur toko {{ object.name }}"}
        )
        settings = self.env["res.config.settings"].create(
            {"invoice_mail_template_id": template.id}
        )
        settings.execute()
        set_policy(self.env, auto_invoice=True, send=True)
        order = self.order()
        pay(order)
        invoice, mail = self.assert_sent_once(order)
        self.assertEqual(mail.subject, f"Faktur toko {invoice.name}")

    def test_core_automatic_invoice_on_one_invoice_one_mail(self):
        """Core's automatic invoice and ours both on: core invoices and mails
        at payment time, ours finds nothing left to do, also in the batch."""
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        set_policy(self.env, auto_invoice=True, send=True)
        order = self.order()
        pay(order)
        invoice, mail = self.assert_sent_once(order)
        self.env["sale.order"]._cron_fulfil_orders()
        order.action_fulfil()
        self.assertEqual(self.customer_invoices(order), invoice)
        self.assertEqual(self.invoice_mails(invoice), mail)
