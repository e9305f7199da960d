from odoo.tests import new_test_user, tagged

from .common import CodCommon


@tagged("post_install", "-at_install")
class TestCodHandover(CodCommon):
    """The courier pickup's handover manifest names the cash the driver
    collects for each COD delivery (delivery_carrier_tracking's
    _get_cod_amount_to_collect), printed by a warehouse user without sales
    rights."""

    def test_manifest_shows_cash_to_collect(self):
        user = new_test_user(self.env, "cod_handover", groups="stock.group_stock_user")
        cod_order = self.cod_cart()
        self.pay_cod(cod_order)
        cod_picking = self.ship(cod_order, user=user)
        plain_order = self.cod_cart()
        plain_order.action_confirm()
        plain_picking = self.ship(plain_order, user=user)
        self.assertFalse(plain_picking._get_cod_amount_to_collect())

        pickings = (cod_picking | plain_picking).with_user(user)
        action = pickings.action_open_pickup_schedule()
        wizard = pickings.env[action["res_model"]].browse(action["res_id"])
        pickup = pickings.env["delivery.pickup"].browse(
            wizard.action_confirm()["res_id"]
        )
        self.assertEqual(pickup.picking_ids, cod_picking | plain_picking)
        lines = {line["picking"]: line for line in pickup._handover_lines()}
        self.assertEqual(lines[cod_picking.name]["cod_amount"], 114.0)
        self.assertEqual(lines[plain_picking.name]["cod_amount"], 0.0)
        html = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(
                "delivery_carrier_tracking.report_handover_manifest", pickup.ids
            )[0]
            .decode()
        )
        self.assertIn(cod_picking.carrier_tracking_ref, html)
        self.assertIn(plain_picking.carrier_tracking_ref, html)
        # the COD delivery's row and the total
        self.assertEqual(html.count("114.00"), 2)
