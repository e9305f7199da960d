from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReturnCase


@tagged("post_install", "-at_install")
class TestIndonesianReturns(ReturnCase):
    def test_reasons_and_errors_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sale_order_fulfilment_return"], ["id_ID"], overwrite=True
        )
        env_id = self.env(context={"lang": "id_ID"})
        reasons = env_id["sale.return.reason"]._get_website_reasons(self.website)
        self.assertIn("Barang rusak", reasons.mapped("name"))
        self.assertIn("Berubah pikiran", reasons.mapped("name"))
        labels = dict(
            env_id["sale.return"]._fields["state"]._description_selection(env_id)
        )
        self.assertEqual(labels["requested"], "Diajukan")
        order = self.delivered_order(qty=1.0)
        self.portal.lang = "id_ID"
        with self.assertRaisesRegex(UserError, "Paling banyak 1.0"):
            self.ask(order.with_context(lang="id_ID"), qty=3.0)
