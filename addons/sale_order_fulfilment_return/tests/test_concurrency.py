"""Two requests for the same goods at the same moment, in real committed
transactions: the order's row lock lets one pass the quantity rule."""

import threading

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.sale_order_fulfilment.tests.common import (
    create_order,
    create_product,
)
from odoo.modules.registry import Registry
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger


def delivered_order(env, product_name, partner_name):
    """A committed, delivered order of one item, with no carrier: it stays
    out of the carriers' watch lists and scorecards of other tests (done
    moves cannot be deleted afterwards)."""
    product = create_product(env, name=product_name)
    partner = env["res.partner"].create({"name": partner_name})
    order = create_order(env, partner, product, qty=1.0)
    order.action_confirm()
    picking = order.picking_ids
    picking.move_ids.write({"quantity": 1.0, "picked": True})
    picking._action_done()
    return order, picking


@tagged("post_install", "-at_install")
class TestConcurrentRequests(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls.clean_up)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            order, _picking = delivered_order(
                env, "Kain Batik Race", "Pelanggan Balapan"
            )
            cls.order_id = order.id
            cls.line_id = order.order_line.id
            cls.product_id = order.order_line.product_id.id
            cls.reason_id = env.ref(
                "sale_order_fulfilment_return.return_reason_damaged"
            ).id

    @classmethod
    def clean_up(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sale.return"].search([("order_id", "=", cls.order_id)]).unlink()
            env["product.product"].browse(cls.product_id).active = False

    def setUp(self):
        super().setUp()
        self.addCleanup(self.clean_returns)
        self.lines = [
            {"sale_line_id": self.line_id, "quantity": 1.0, "reason_id": self.reason_id}
        ]

    def clean_returns(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sale.return"].search([("order_id", "=", self.order_id)]).unlink()

    def request(self, outcomes, before=None, after=None):
        """One worker's request in its own committed transaction; `before`
        runs once its snapshot is taken, `after` once it is over."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(self.order_id)
            order.order_line.mapped("qty_delivered")  # the snapshot
            if before:
                before()
            try:
                env["sale.return"]._request(order, self.lines)
                # a real, concurrent transaction: it must commit
                cr.commit()  # pylint: disable=invalid-commit
                outcomes.append("ok")
            except Exception as error:  # noqa: BLE001 - the loser's error
                cr.rollback()
                outcomes.append(type(error).__name__)
        if after:
            after()

    def run_workers(self, *workers):
        threads = [threading.Thread(target=worker) for worker in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    def assert_one_return(self, outcomes):
        self.assertEqual(sorted(outcomes), ["UserError", "ok"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            returns = env["sale.return"].search([("order_id", "=", self.order_id)])
            self.assertEqual(returns.line_ids.mapped("quantity"), [1.0])

    @mute_logger("odoo.sql_db")
    def test_two_requests_at_once_one_passes(self):
        barrier = threading.Barrier(2)
        outcomes = []

        def worker():
            self.request(outcomes, before=lambda: barrier.wait(timeout=10))

        self.run_workers(worker, worker)
        self.assert_one_return(outcomes)

    @mute_logger("odoo.sql_db")
    def test_request_on_a_snapshot_older_than_another_is_refused(self):
        """The second request started before the first committed: it cannot
        see the first return, and must not pass the rule without it."""
        snapshot_taken, first_committed = threading.Event(), threading.Event()
        outcomes = []

        def late():
            self.request(
                outcomes,
                before=lambda: (
                    snapshot_taken.set(),
                    first_committed.wait(timeout=30),
                ),
            )

        def early():
            snapshot_taken.wait(timeout=30)
            self.request(outcomes, after=first_committed.set)

        self.run_workers(late, early)
        self.assert_one_return(outcomes)


@tagged("post_install", "-at_install")
class TestConcurrentReship(BaseCase):
    """Two people (or a double click reaching two workers) re-ship the
    same received return to sender at once, in real committed transactions:
    one new delivery."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls.clean_up)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            order, picking = delivered_order(
                env, "Kain Batik Kembali", "Pelanggan Pindah"
            )
            picking._tracking_apply_events(
                [
                    {
                        "event_time": fields.Datetime.now(),
                        "shipment_state": "returned",
                        "status_code": "returned",
                    }
                ]
            )
            ret = picking.rts_return_id
            back = ret.return_picking_ids
            back.move_ids.write({"quantity": 1.0, "picked": True})
            back._action_done()
            assert ret.state == "received", ret.state
            cls.order_id = order.id
            cls.return_id = ret.id
            cls.product_id = order.order_line.product_id.id
            cls.user_id = env.ref("base.user_admin").id

    @classmethod
    def clean_up(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ret = env["sale.return"].browse(cls.return_id)
            # the open re-shipment would hold the stock: cancelled
            env["stock.picking"].search(
                [
                    ("sale_id", "=", cls.order_id),
                    ("state", "not in", ("done", "cancel")),
                ]
            ).action_cancel()
            ret.order_id.order_line.product_id.active = False

    def outgoing(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return len(
                env["stock.picking"].search(
                    [
                        ("sale_id", "=", self.order_id),
                        ("picking_type_code", "=", "outgoing"),
                    ]
                )
            )

    def decide(self, outcomes, before=None, after=None):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.user_id, {})
            ret = env["sale.return"].browse(self.return_id)
            ret.mapped("rts_decision")  # the snapshot
            if before:
                before()
            try:
                ret.action_rts_decide("reship")
                # a real, concurrent transaction: it must commit
                cr.commit()  # pylint: disable=invalid-commit
                outcomes.append("ok")
            except Exception as error:  # noqa: BLE001 - the loser's error
                cr.rollback()
                outcomes.append(type(error).__name__)
        if after:
            after()

    @mute_logger("odoo.sql_db")
    def test_two_reships_at_once_one_delivery(self):
        barrier = threading.Barrier(2)
        outcomes = []

        def worker():
            self.decide(outcomes, before=lambda: barrier.wait(timeout=10))

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        # the loser is told to try again; trying again changes nothing
        self.assertEqual(sorted(outcomes), ["UserError", "ok"])
        self.assertEqual(self.outgoing(), 2)
        self.decide(outcomes)
        self.assertEqual(outcomes[-1], "ok")
        self.assertEqual(self.outgoing(), 2)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ret = env["sale.return"].browse(self.return_id)
            self.assertEqual(ret.rts_decision, "reship")
            self.assertEqual(ret.reship_picking_id.move_ids.product_uom_qty, 1.0)
