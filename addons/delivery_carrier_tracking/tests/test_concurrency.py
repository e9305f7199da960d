import threading
import time

from odoo.tests import tagged

from .common import TrackingCommon, create_ready_delivery, race


@tagged("post_install", "-at_install")
class TestConcurrency(TrackingCommon):
    """Two transactions at once on one delivery, on real, committed data (the
    test transaction is invisible to other connections)."""

    def _committed_setup(self, env, carrier_vals):
        sequence = env["ir.sequence"].create(
            {"name": "Concurrency", "prefix": "CC", "padding": 6}
        )
        picking = create_ready_delivery(
            env,
            {
                "name": "Concurrent Courier",
                "tracking_create_label": True,
                "tracking_sequence_id": sequence.id,
                **carrier_vals,
            },
        )
        return picking.id, picking.carrier_id.id, sequence.id

    def _assert_one_shipment(self, picking_id, sequence_id):
        def check(env):
            picking = env["stock.picking"].browse(picking_id)
            self.assertEqual(picking.state, "done")
            self.assertEqual(picking.shipment_state, "label_created")
            self.assertRegex(picking.carrier_tracking_ref, r"^CC\d{6}$")
            self.assertEqual(len(picking.tracking_label_ids), 1)
            # standard sequences are not transactional: a rolled-back second
            # shipment would still have consumed a number
            self.assertEqual(
                env["ir.sequence"].browse(sequence_id).number_next_actual, 2
            )
            picking.shipment_state = "cancelled"  # keep later cron tests clean

        self._in_new_transaction(check)

    def test_two_validations_at_once_ship_once(self):
        picking_id, _carrier_id, sequence_id = self._in_new_transaction(
            lambda env: self._committed_setup(env, {"delivery_type": "fixed"})
        )
        outcomes = race(
            self.env.cr.dbname,
            lambda env: env["stock.picking"].browse(picking_id).button_validate(),
        )
        self.assertIn("ok", outcomes)
        self._assert_one_shipment(picking_id, sequence_id)

    def test_two_retries_at_once_ship_once(self):
        france = self.env.ref("base.fr")

        def pending(env):
            ids = self._committed_setup(
                env,
                {"delivery_type": "base_on_rule", "country_ids": [(6, 0, france.ids)]},
            )
            picking = env["stock.picking"].browse(ids[0])
            picking.button_validate()
            self.assertEqual(picking.shipment_state, "label_pending")
            picking.carrier_id.country_ids = False
            picking.tracking_next_poll_at = False
            return ids

        picking_id, _carrier_id, sequence_id = self._in_new_transaction(pending)
        outcomes = race(
            self.env.cr.dbname, lambda env: env["stock.picking"]._cron_tracking_update()
        )
        self.assertEqual(outcomes, ["ok", "ok"])  # the second skips the locked row
        self._assert_one_shipment(picking_id, sequence_id)

    def test_two_methods_priced_at_once_each_asked_once(self):
        """The checkout asks the rates of its methods in parallel requests
        on one cart: each keeps its provider's answer without a conflict (a
        conflict runs the request again and asks the provider again)."""

        def setup(env):
            partner = env["res.partner"].create({"name": "Rates Race"})
            order = env["sale.order"].create({"partner_id": partner.id})
            product = env["product.product"].create(
                {"name": "Rates Race Shipping", "type": "service"}
            )
            carriers = env["delivery.carrier"].create(
                [{"name": f"Rates Race {n}", "product_id": product.id} for n in (1, 2)]
            )
            return order.id, carriers.ids, partner.id, product.id

        order_id, carrier_ids, partner_id, product_id = self._in_new_transaction(setup)

        def cleanup(env):
            env["sale.order"].browse(order_id).unlink()
            env["delivery.carrier"].browse(carrier_ids).unlink()
            env["product.product"].browse(product_id).unlink()
            env["res.partner"].browse(partner_id).unlink()

        self.addCleanup(self._in_new_transaction, cleanup)
        asked, fetched, lock = [], [], threading.Lock()

        def price(env):
            with lock:
                carrier_id = carrier_ids[len(asked) % 2]
                asked.append(carrier_id)

            def fetch():
                fetched.append(carrier_id)
                time.sleep(0.3)  # both requests ask before either keeps
                return [{"carrier": carrier_id}]

            carrier = env["delivery.carrier"].browse(carrier_id)
            order = env["sale.order"].browse(order_id)
            return carrier._checkout_cached_rates(order, {"kg": 1}, fetch)

        self.assertEqual(race(self.env.cr.dbname, price), ["ok", "ok"])
        self.assertCountEqual(fetched, carrier_ids)
        # both answers kept: asked again, the providers are not
        self.assertEqual(race(self.env.cr.dbname, price), ["ok", "ok"])
        self.assertEqual(len(asked), 4)
        self.assertCountEqual(fetched, carrier_ids)

        def answers(env):
            order = env["sale.order"].browse(order_id)
            return [
                env["delivery.carrier"]
                .browse(carrier_id)
                ._checkout_cached_rates(order, {"kg": 1}, lambda: self.fail("asked"))
                for carrier_id in carrier_ids
            ]

        self.assertEqual(
            self._in_new_transaction(answers),
            [[{"carrier": carrier_ids[0]}], [{"carrier": carrier_ids[1]}]],
        )
