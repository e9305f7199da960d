from odoo.addons.delivery_carrier_tracking.tests.common import TrackingCommon
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPickupBatch(TrackingCommon):
    """A warehouse user without sales rights packs deliveries in a batch
    transfer, validates it (the carrier books them) and schedules their
    courier pickup from the batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env, "batch_gudang", groups="stock.group_stock_user"
        )

    def _batch(self, pickings):
        return (
            self.env["stock.picking.batch"]
            .with_user(self.stock_user)
            .create({"picking_ids": [(6, 0, pickings.ids)]})
        )

    def _schedule(self, batches):
        action = batches.action_open_pickup_schedule()
        wizard = batches.env[action["res_model"]].browse(action["res_id"])
        result = wizard.action_confirm()
        return wizard, batches.env["delivery.pickup"].browse(result["res_id"])

    def test_validated_batch_schedules_its_pickup(self):
        self.assertFalse(self.stock_user.has_group("sales_team.group_sale_salesman"))
        pickings = self._create_picking() | self._create_picking()
        batch = self._batch(pickings)
        batch.action_confirm()
        self.assertIs(batch.action_done(), True)
        self.assertEqual(batch.state, "done")
        self.assertTrue(all(pickings.mapped("carrier_tracking_ref")))
        self.assertEqual(batch.pickup_count, 0)

        wizard, pickup = self._schedule(batch)
        self.assertEqual(wizard.line_ids.picking_ids, pickings)
        self.assertEqual(len(wizard.line_ids), 1)
        self.assertEqual(pickup.state, "scheduled")
        self.assertEqual(pickup.picking_ids, pickings)
        self.assertEqual(batch.pickup_ids, pickup)
        self.assertEqual(batch.pickup_count, 1)
        action = batch.action_view_pickups()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (pickup._name, pickup.id)
        )

        # scheduled again from the batch: refused, naming the deliveries
        with self.assertRaisesRegex(
            UserError, f"{pickings[0].name}: already in pickup"
        ):
            batch.action_open_pickup_schedule()
        self.assertEqual(batch.pickup_ids, pickup)

    def test_unbooked_delivery_named_nothing_created(self):
        booked, unbooked = self._create_picking(), self._create_picking()
        batch = self._batch(booked | unbooked)
        self._validate(booked)  # the other stays ready, without a number
        wizards = self.env["delivery.pickup.schedule"].search_count([])
        with self.assertRaises(UserError) as error:
            batch.action_open_pickup_schedule()
        self.assertIn(f"{unbooked.name}: not booked", str(error.exception))
        self.assertNotIn(booked.name, str(error.exception))
        self.assertEqual(self.env["delivery.pickup.schedule"].search_count([]), wizards)
        self.assertFalse(booked.pickup_id)

    def test_batch_without_delivery(self):
        batch = self._batch(self.env["stock.picking"])
        with self.assertRaisesRegex(UserError, f"Batch {batch.name} has no delivery"):
            batch.action_open_pickup_schedule()

    def test_several_batches_one_pickup_per_carrier(self):
        first = self._batch(self._create_picking())
        second = self._batch(self._create_picking())
        for picking in first.picking_ids | second.picking_ids:
            self._validate(picking)
        __, pickup = self._schedule(first | second)
        self.assertEqual(pickup.picking_ids, first.picking_ids | second.picking_ids)
        self.assertEqual((first | second).mapped("pickup_count"), [1, 1])

    def test_salesperson_cannot(self):
        batch = self._batch(self._create_picking())
        self._validate(batch.picking_ids)
        salesperson = new_test_user(
            self.env, "batch_sales", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            batch.with_user(salesperson).action_open_pickup_schedule()
        self.assertFalse(batch.picking_ids.pickup_id)
