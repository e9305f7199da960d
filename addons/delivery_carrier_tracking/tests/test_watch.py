from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import TrackingCommon, create_ready_delivery, race

WATCH_TYPE = "delivery_carrier_tracking.mail_activity_type_shipment_watch"


@tagged("post_install", "-at_install")
class TestShipmentWatch(TrackingCommon):
    """Late-shipment watch: filters, per-carrier thresholds, activities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {
                "tracking_number_mail": False,
                "tracking_watch_label_hours": 4,
                "tracking_watch_days": 3,
            }
        )
        # numbers typed in later: no label PDF to render in these tests
        cls.courier = cls._create_carrier("Watch Courier", tracking_create_label=False)
        cls.courier_slow = cls._create_carrier(
            "Slow Courier", tracking_create_label=False
        )
        cls.warehouse_user = new_test_user(
            cls.env,
            login="watch_warehouse",
            groups="base.group_user,stock.group_stock_user",
        )
        cls.watch_type = cls.env.ref(WATCH_TYPE)

    # ------------------------------------------------------------------ #
    # helpers
    # ------------------------------------------------------------------ #

    def _done(self, carrier=None):
        return self._validate(self._create_picking(carrier or self.courier))

    def _label_pending(self, carrier=None):
        picking = self._done(carrier)
        # the path a carrier failure at validation takes
        picking._tracking_shipment_failed(UserError("Carrier unreachable"))
        self.assertEqual(picking.shipment_state, "label_pending")
        return picking

    def _labelled(self, carrier=None):
        picking = self._done(carrier)
        picking._tracking_set_number(f"WATCH{picking.id:06d}")
        self.assertEqual(picking.shipment_state, "label_created")
        return picking

    def _event(self, picking, state, when):
        # applied at `when`: an event dated ahead of the clock would be
        # recorded at its arrival instead
        with freeze_time(when):
            picking._tracking_apply_events(
                [
                    {
                        "event_time": when,
                        "shipment_state": state,
                        "status_code": state,
                        "description": f"{state} at {when}",
                    }
                ]
            )
        return picking

    def _found(self, pickings, domain, user=None):
        Picking = self.env["stock.picking"]
        if user:
            Picking = Picking.with_user(user)
        return Picking.search([("id", "in", pickings.ids), *domain]).with_env(self.env)

    def _watch_activities(self, picking, active=True):
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "stock.picking"),
                    ("res_id", "=", picking.id),
                    ("activity_type_id", "=", self.watch_type.id),
                    ("active", "=", active),
                ]
            )
        )

    # ------------------------------------------------------------------ #
    # filters
    # ------------------------------------------------------------------ #

    def test_filters_pick_exactly_their_deliveries(self):
        pending = self._label_pending()
        t0 = pending.date_done
        labelled = self._labelled()
        moving_old = self._event(
            self._labelled(), "in_transit", t0 + timedelta(hours=1)
        )
        moving_new = self._event(self._labelled(), "in_transit", t0 + timedelta(days=2))
        exception = self._event(self._labelled(), "exception", t0 + timedelta(hours=1))
        delivered = self._event(self._labelled(), "delivered", t0 + timedelta(hours=1))
        not_done = self._create_picking(self.courier)
        mine = (
            pending
            + labelled
            + moving_old
            + moving_new
            + exception
            + delivered
            + not_done
        )
        self.assertEqual(moving_new.tracking_last_event_at, t0 + timedelta(days=2))
        self.assertFalse(labelled.tracking_last_event_at)

        with freeze_time(t0 + timedelta(hours=3)):  # under every threshold
            self.assertFalse(self._found(mine, [("watch_reason", "=", "label_late")]))
            self.assertFalse(self._found(mine, [("watch_reason", "=", "no_news")]))
            self.assertEqual(
                self._found(mine, [("watch_reason", "=", "exception")]), exception
            )
            self.assertEqual(
                self._found(mine, [("watch_reason", "!=", False)]), exception
            )

        # 3 days 2 hours after validation: the label is late, the shipments
        # without news since validation or since the first hour are silent
        with freeze_time(t0 + timedelta(days=3, hours=2)):
            expected = {
                "label_late": pending,
                "no_news": labelled + moving_old,
                "exception": exception,
            }
            for reason, pickings in expected.items():
                self.assertEqual(
                    self._found(mine, [("watch_reason", "=", reason)]),
                    pickings,
                    reason,
                )
            self.assertEqual(
                self._found(mine, [("watch_reason", "!=", False)]),
                pending + labelled + moving_old + exception,
            )
            self.assertEqual(
                self._found(mine, [("watch_reason", "=", False)]),
                moving_new + delivered + not_done,
            )
            self.assertEqual(
                self._found(
                    mine, [("watch_reason", "in", ["label_late", "exception"])]
                ),
                pending + exception,
            )
            self.assertEqual(
                self._found(mine, [("watch_reason", "not in", ["no_news", False])]),
                pending + exception,
            )
            # each row says its reason, as the filters do
            mine.invalidate_recordset(["watch_reason"])
            self.assertEqual(
                {p: p.watch_reason for p in mine},
                {
                    pending: "label_late",
                    labelled: "no_news",
                    moving_old: "no_news",
                    moving_new: False,
                    exception: "exception",
                    delivered: False,
                    not_done: False,
                },
            )
            # the warehouse user's search gives the same
            self.assertEqual(
                self._found(
                    mine, [("watch_reason", "!=", False)], user=self.warehouse_user
                ),
                pending + labelled + moving_old + exception,
            )

        # news from the carrier ends the silence
        self._event(moving_old, "out_for_delivery", t0 + timedelta(days=3))
        with freeze_time(t0 + timedelta(days=3, hours=2)):
            self.assertEqual(
                self._found(mine, [("watch_reason", "=", "no_news")]), labelled
            )

    def test_carrier_threshold_over_company_default(self):
        own = self._create_carrier(
            "Island Courier", tracking_create_label=False, tracking_watch_days=10
        )
        by_own = self._labelled(own)
        t0 = by_own.date_done
        by_default = self._labelled(self.courier_slow)
        self._event(by_own, "in_transit", t0 + timedelta(hours=1))
        self._event(by_default, "in_transit", t0 + timedelta(hours=1))
        both = by_own + by_default
        silent = [("watch_reason", "=", "no_news")]

        with freeze_time(t0 + timedelta(days=5)):
            # company: 3 days; the island courier: 10
            self.assertEqual(self._found(both, silent), by_default)
            own.tracking_watch_days = 4
            self.assertEqual(self._found(both, silent), both)
            self.env.company.tracking_watch_days = 7
            self.assertEqual(self._found(both, silent), by_own)
            own.tracking_watch_days = 0  # back to the company's 7 days
            self.assertFalse(self._found(both, silent))
            self.env.company.tracking_watch_days = 0  # the company watches none
            self.assertFalse(self._found(both, silent))
        with freeze_time(t0 + timedelta(days=20)):
            self.assertFalse(self._found(both, silent))
            own.tracking_watch_days = 15  # a carrier's own number still counts
            self.assertEqual(self._found(both, silent), by_own)

    def test_label_hours_from_company(self):
        pending = self._label_pending()
        t0 = pending.date_done
        late = [("watch_reason", "=", "label_late")]
        with freeze_time(t0 + timedelta(hours=5)):
            self.assertEqual(self._found(pending, late), pending)
            self.env.company.tracking_watch_label_hours = 6
            self.assertFalse(self._found(pending, late))
        with freeze_time(t0 + timedelta(hours=7)):
            self.assertEqual(self._found(pending, late), pending)

    # ------------------------------------------------------------------ #
    # activities
    # ------------------------------------------------------------------ #

    def test_cron_twice_one_activity_then_done_when_solved(self):
        self.env.company.tracking_watch_user_id = self.warehouse_user
        pending = self._label_pending()
        # validated by the shop's automation: OdooBot is no one to ask
        pending.user_id = self.env.ref("base.user_root")
        t0 = pending.date_done
        Picking = self.env["stock.picking"]
        with freeze_time(t0 + timedelta(hours=5)):
            self.assertGreaterEqual(Picking._cron_watch_shipments(), 1)
            Picking._cron_watch_shipments()
            activity = self._watch_activities(pending)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.summary, "Label pending too long")
            self.assertEqual(activity.user_id, self.warehouse_user)
            self.assertEqual(pending.watch_notified_reason, "label_late")
            self.assertNotIn(pending.id, Picking._watch_due_ids())

            # solved: the courier's number is typed in
            pending._tracking_set_number("JNE0099887766")
            Picking._cron_watch_shipments()
            self.assertFalse(self._watch_activities(pending))
            done = self._watch_activities(pending, active=False)
            self.assertEqual(len(done), 1)
            self.assertFalse(pending.watch_notified_reason)
            self.assertIn(
                "Solved",
                pending.message_ids.filtered(
                    lambda m: m.mail_activity_type_id == self.watch_type
                )[:1].body,
            )
            Picking._cron_watch_shipments()
            self.assertFalse(self._watch_activities(pending))

        # a new problem later: one new activity, its reason updated in place
        with freeze_time(t0 + timedelta(days=4)):
            Picking._cron_watch_shipments()
            activity = self._watch_activities(pending)
            self.assertEqual(activity.summary, "No carrier event")
            self._event(pending, "exception", t0 + timedelta(days=4))
            Picking._cron_watch_shipments()
            Picking._cron_watch_shipments()
            self.assertEqual(self._watch_activities(pending), activity)
            self.assertEqual(activity.summary, "Shipment exception")
            self.assertEqual(len(self._watch_activities(pending, active=False)), 1)

    def test_warehouse_user_sees_and_acts_on_the_list(self):
        user = self.warehouse_user
        self.assertFalse(user.has_group("account.group_account_invoice"))
        pending = self._label_pending()
        other = self._label_pending(self.courier_slow)
        (pending + other).user_id = user
        t0 = pending.date_done
        with freeze_time(t0 + timedelta(hours=5)):
            self.env["stock.picking"]._cron_watch_shipments()

            menu = self.env.ref("delivery_carrier_tracking.menu_shipments_to_watch")
            self.assertIn(
                menu.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            )
            action = (
                self.env["ir.actions.act_window"]
                .with_user(user)
                ._for_xml_id("delivery_carrier_tracking.action_shipments_to_watch")
            )
            Picking = self.env["stock.picking"].with_user(user)
            views = Picking.get_views(
                [(action["view_id"][0], "list"), (False, "search")]
            )
            self.assertIn("watch_reason", views["models"]["stock.picking"]["fields"])
            domain = [
                ("id", "in", (pending + other).ids),
                ("watch_reason", "!=", False),
            ]
            # the list as the web client loads it: grouped by carrier, with
            # the reason per row
            groups = Picking.web_read_group(domain, ["carrier_id"], ["carrier_id"])
            self.assertEqual(
                {group["carrier_id"][0] for group in groups["groups"]},
                {self.courier.id, self.courier_slow.id},
            )
            rows = Picking.web_search_read(
                domain,
                {"name": {}, "watch_reason": {}, "activity_ids": {}},
            )["records"]
            self.assertEqual(
                {row["watch_reason"] for row in rows}, {"label_late"}, rows
            )
            # acting: the activity marked done by the warehouse user, the
            # delivery's responsible
            activity = self._watch_activities(pending)
            self.assertEqual(activity.user_id, user)
            activity.with_user(user).action_feedback(feedback="Called the courier")
            self.assertFalse(self._watch_activities(pending))
            # a person closed it: the scheduler does not reopen it while the
            # same problem lasts
            self.env["stock.picking"]._cron_watch_shipments()
            self.assertFalse(self._watch_activities(pending))
            self.assertTrue(self._watch_activities(other))

    # ------------------------------------------------------------------ #
    # two workers at once, on committed data
    # ------------------------------------------------------------------ #

    def _committed_pending(self, env):
        picking = create_ready_delivery(env, {"name": "Watch Race Courier"})
        picking.button_validate()
        picking._tracking_shipment_failed(UserError("Carrier unreachable"))
        # validated a day ago; the label retry is not due (no carrier call)
        picking.write(
            {
                "date_done": fields.Datetime.now() - timedelta(days=1),
                "tracking_next_poll_at": fields.Datetime.now() + timedelta(days=1),
            }
        )
        return picking.id

    def test_two_workers_at_once_one_activity(self):
        picking_id = self._in_new_transaction(self._committed_pending)
        try:
            outcomes = race(
                self.env.cr.dbname,
                lambda env: env["stock.picking"]._cron_watch_shipments(),
            )
            self.assertEqual(outcomes, ["ok", "ok"])

            def check(env):
                activities = env["mail.activity"].search(
                    [
                        ("res_model", "=", "stock.picking"),
                        ("res_id", "=", picking_id),
                        ("activity_type_id", "=", env.ref(WATCH_TYPE).id),
                    ]
                )
                self.assertEqual(len(activities), 1)
                picking = env["stock.picking"].browse(picking_id)
                self.assertEqual(picking.watch_notified_reason, "label_late")

            self._in_new_transaction(check)
        finally:

            def clean(env):
                picking = env["stock.picking"].browse(picking_id)
                picking.shipment_state = "cancelled"
                env["stock.picking"]._cron_watch_shipments()
                self.assertFalse(
                    picking.activity_ids.filtered(
                        lambda a: a.activity_type_id == env.ref(WATCH_TYPE)
                    )
                )

            self._in_new_transaction(clean)
