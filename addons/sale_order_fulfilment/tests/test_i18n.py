from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestIndonesian(TransactionCase):
    def test_indonesian_terms_load(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sale_order_fulfilment"], ["id_ID"], overwrite=True
        )
        env_id = self.env(context={"lang": "id_ID"})
        labels = dict(
            env_id["sale.order"]
            ._fields["fulfilment_state"]
            ._description_selection(env_id)
        )
        self.assertEqual(labels["awaiting_payment"], "Menunggu Pembayaran")
        self.assertEqual(labels["shipped"], "Dikirim")
        field = env_id["ir.model.fields"]._get("sale.order", "fulfilment_state")
        self.assertEqual(field.field_description, "Status Pemenuhan")

    def test_indonesian_payment_terms(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sale_order_fulfilment"], ["id_ID"], overwrite=True
        )
        env_id = self.env(context={"lang": "id_ID"})
        field = env_id["ir.model.fields"]._get(
            "sale.order", "fulfilment_amount_missing"
        )
        self.assertEqual(field.field_description, "Masih Harus Dibayar")
        order = env_id["sale.order"].new({})
        self.assertEqual(
            order._get_fulfilment_customer_exception_note(),
            "Kami sedang memeriksa pesanan Anda.",
        )
