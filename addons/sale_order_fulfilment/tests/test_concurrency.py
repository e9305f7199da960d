import threading
from concurrent.futures import ThreadPoolExecutor

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from .common import create_order, create_product, pay, set_policy, setup_demo_provider

ORDERS = 6


@tagged("post_install", "-at_install")
class TestConcurrentBatch(BaseCase):
    """Two workers (real cursors, committed data) fulfil the same paid orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls.clean_up)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cls.policy = env.company.read(
                ["fulfilment_auto_invoice", "fulfilment_send_invoice"]
            )[0]
            setup_demo_provider(env)
            set_policy(env, auto_invoice=False)
            product = create_product(env, name="Kopi Kintamani")
            partners = env["res.partner"].create(
                [{"name": f"Pelanggan {i}"} for i in range(ORDERS)]
            )
            orders = env["sale.order"]
            for partner in partners:
                order = create_order(env, partner, product)
                pay(order)
                orders |= order
            cls.order_ids = orders.ids
            cls.partner_ids = partners.ids
            cls.product_id = product.id
            cls.tx_ids = orders.transaction_ids.ids
            set_policy(env, auto_invoice=True)

    @classmethod
    def clean_up(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            orders = env["sale.order"].browse(cls.order_ids)
            moves = orders.invoice_ids
            txs = env["payment.transaction"].browse(cls.tx_ids)
            payments = txs.payment_id
            moves.line_ids.remove_move_reconcile()
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            payments.action_draft()
            payments.with_context(force_delete=True).unlink()
            txs.unlink()
            pickings = orders.picking_ids
            orders._action_cancel()
            pickings.move_ids._action_cancel()
            pickings.unlink()
            orders.unlink()
            product = env["product.product"].browse(cls.product_id)
            product.product_tmpl_id.unlink()
            env["res.partner"].browse(cls.partner_ids).unlink()
            env.company.write(cls.policy)

    @mute_logger("odoo.sql_db")
    def test_two_workers_one_invoice_each(self):
        barrier = threading.Barrier(2)

        def worker(order_ids):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                orders = env["sale.order"].browse(order_ids)
                orders.mapped("fulfilment_state")  # take the snapshot first
                barrier.wait(timeout=10)
                return orders._fulfilment_run("batch").ids

        # Opposite orders: the workers meet in the middle of the list.
        with ThreadPoolExecutor(max_workers=2) as executor:
            first = executor.submit(worker, self.order_ids)
            second = executor.submit(worker, list(reversed(self.order_ids)))
            done_first = first.result(timeout=120)
            done_second = second.result(timeout=120)

        self.assertFalse(set(done_first) & set(done_second), "no order done twice")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.order_ids)
            # What a worker skipped (locked or changed meanwhile) is done by
            # the next run, still once.
            orders._fulfilment_run("batch")
            for order in orders:
                invoices = order.invoice_ids.filtered(
                    lambda m: m.move_type == "out_invoice"
                )
                self.assertEqual(len(invoices), 1, order.name)
                self.assertFalse(order.fulfilment_exception, order.name)
                self.assertTrue(invoices.currency_id.is_zero(invoices.amount_residual))
