import threading
from datetime import datetime, timedelta

import psycopg2.errors
from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import TrackingCommon, create_ready_delivery

T0 = datetime(2026, 3, 2, 8, 0)


def _event(hours, state, status):
    return {
        "event_time": T0 + timedelta(hours=hours),
        "shipment_state": state,
        "status_code": status,
        "description": f"carrier says {status}",
        "location": "Bandung",
    }


@tagged("post_install", "-at_install")
class TestUnmappedStatus(TrackingCommon):
    """A status a carrier reports that no provider table maps: recorded with
    its raw value, shown to staff, the shipment's state left alone, and one
    activity per carrier and status to have it mapped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_carrier = cls._create_carrier("Other Courier", sequence=cls.sequence)
        cls.warehouse_user = new_test_user(
            cls.env,
            "wh_unmapped",
            groups="base.group_user,stock.group_stock_user",
        )
        cls.env.company.tracking_watch_user_id = cls.warehouse_user

    def _map_activities(self, status):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "stock.picking"),
                ("summary", "=", f"Map carrier status {status}"),
            ]
        )

    def test_recorded_shown_state_unchanged_one_activity_per_carrier(self):
        first, second = (self._validate(self._create_picking()) for _i in range(2))
        other = self._validate(self._create_picking(carrier=self.other_carrier))
        self.assertEqual(first.shipment_state, "label_created")

        new = first._tracking_apply_events([_event(1, None, "rejected_by_recipient")])
        self.assertEqual(len(new), 1)
        self.assertFalse(new.shipment_state)
        self.assertEqual(new.status_code, "rejected_by_recipient")
        self.assertEqual(first.shipment_state, "label_created")
        self.assertIn("rejected_by_recipient", first.message_ids[0].body)
        activity = self._map_activities("rejected_by_recipient")
        self.assertEqual(activity.res_id, first.id)
        self.assertEqual(activity.user_id, self.warehouse_user)
        self.assertIn("rejected_by_recipient", activity.note)

        # the same status again: on the same delivery nothing new, on another
        # delivery of the carrier an event and a note but no second activity
        self.assertFalse(
            first._tracking_apply_events([_event(1, None, "rejected_by_recipient")])
        )
        second._tracking_apply_events([_event(2, None, "rejected_by_recipient")])
        self.assertEqual(second.tracking_event_ids.status_code, "rejected_by_recipient")
        self.assertIn("rejected_by_recipient", second.message_ids[0].body)
        self.assertEqual(self._map_activities("rejected_by_recipient"), activity)
        # another status, or the same one from another carrier: one more each
        second._tracking_apply_events([_event(3, False, "held_at_customs")])
        other._tracking_apply_events([_event(1, None, "rejected_by_recipient")])
        self.assertEqual(self._map_activities("held_at_customs").res_id, second.id)
        self.assertEqual(
            self._map_activities("rejected_by_recipient").mapped("res_id"),
            [first.id, other.id],
        )
        self.assertEqual(
            (first | second | other).mapped("shipment_state"), ["label_created"] * 3
        )

    def test_unmapped_event_neither_moves_nor_dates_the_shipment(self):
        picking = self._validate(self._create_picking())
        picking._tracking_apply_events([_event(1, "picked_up", "PU")])
        picking._tracking_apply_events([_event(5, None, "sorting_v2")])
        # an exception dated before the unmapped event is still news: only
        # the carrier's mapped events make it stale
        picking._tracking_apply_events([_event(3, "exception", "HOLD")])
        self.assertEqual(picking.shipment_state, "exception")
        picking._tracking_apply_events([_event(6, "in_transit", "IT")])
        self.assertEqual(picking.shipment_state, "in_transit")
        with self.assertRaises(ValidationError):
            picking._tracking_apply_events([_event(7, None, "")])
        with self.assertRaises(ValidationError):
            picking._tracking_apply_events([_event(7, "teleported", "TP")])

    def test_warehouse_user_sees_the_raw_status(self):
        picking = self._validate(self._create_picking())
        picking._tracking_apply_events([_event(1, None, "rejected_by_recipient")])
        mine = picking.with_user(self.warehouse_user)
        [event] = mine.get_shipment_status()["events"]
        self.assertEqual(
            (
                event["status_code"],
                event["shipment_state"],
                event["shipment_state_label"],
            ),
            ("rejected_by_recipient", "", ""),
        )
        self.assertEqual(mine.shipment_state, "label_created")
        self.assertEqual(
            mine.activity_ids.filtered(
                lambda a: a.user_id == self.warehouse_user
            ).summary,
            "Map carrier status rejected_by_recipient",
        )


@tagged("post_install", "-at_install")
class TestUnmappedStatusAtOnce(TransactionCase):
    """Two deliveries of one carrier meet the same new status in two
    transactions at once (two webhooks): one "map" activity, not two.
    TransactionCase with committed records: each must see the other's."""

    def setUp(self):
        self.addCleanup(self._remove_records)
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            first = create_ready_delivery(
                env, {"name": "Unmapped race courier", "delivery_type": "fixed"}
            )
            second = first.copy({"carrier_id": first.carrier_id.id})
            second.action_confirm()
            second.action_assign()
            second.move_ids.write({"quantity": 1, "picked": True})
            for picking in first | second:
                picking.carrier_tracking_ref = f"RACE{picking.id}"
            self.ids = {
                "pickings": (first | second).ids,
                "carrier": first.carrier_id.id,
                "products": (
                    first.carrier_id.product_id | first.move_ids.product_id
                ).ids,
            }

    def _remove_records(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            pickings = env["stock.picking"].browse(self.ids["pickings"])
            partners = pickings.partner_id
            pickings.tracking_event_ids.unlink()
            pickings.unlink()
            env["delivery.carrier"].browse(self.ids["carrier"]).unlink()
            env["product.product"].browse(self.ids["products"]).unlink()
            partners.unlink()

    def test_two_deliveries_at_once_one_activity(self):
        barrier = threading.Barrier(2, timeout=30)
        outcomes = []

        def worker(picking_id, hours):
            for attempt in range(3):
                try:
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        picking = env["stock.picking"].browse(picking_id)
                        cr.execute("SELECT 1")  # the snapshot is taken
                        if not attempt:
                            barrier.wait()
                        picking._tracking_apply_events(
                            [_event(hours, None, "held_by_customs_race")]
                        )
                    outcomes.append("ok")  # committed
                    return
                except psycopg2.errors.SerializationFailure:
                    outcomes.append("retried")

        threads = [
            threading.Thread(target=worker, args=(picking_id, hours))
            for hours, picking_id in enumerate(self.ids["pickings"], 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(sorted(outcomes), ["ok", "ok", "retried"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            activities = env["mail.activity"].search(
                [
                    ("res_model", "=", "stock.picking"),
                    ("res_id", "in", self.ids["pickings"]),
                    ("summary", "=", "Map carrier status held_by_customs_race"),
                ]
            )
            self.assertEqual(len(activities), 1)
            events = env["stock.picking.tracking.event"].search(
                [("picking_id", "in", self.ids["pickings"])]
            )
            self.assertEqual(len(events), 2)
