"""A Biteship key that stops working (HTTP 400, code 40000001, as Biteship
answers a wrong key) is the method's configuration error, met by whoever uses
the method: the warehouse validating deliveries, the tracking cron, shoppers
at checkout, and fixed by an administrator (the key) or an Inventory manager
(Retry Now)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import API_KEY, BiteshipCommon

REVOKED = "biteship_test.revoked-key"
SUMMARY = "Delivery method settings refused by the carrier"
BITESHIP_SAYS = "Authentication for your key is failed"


@tagged("post_install", "-at_install")
class TestBiteshipConfigurationError(BiteshipCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env, login="cfg_stock_user", groups="stock.group_stock_user"
        )
        cls.stock_manager = new_test_user(
            cls.env, login="cfg_stock_manager", groups="stock.group_stock_manager"
        )
        cls.shopper = new_test_user(
            cls.env, login="cfg_shopper", groups="base.group_portal"
        )
        cls.admin = cls.env.ref("base.user_admin")

    def setUp(self):
        super().setUp()
        # the stand-in's key, which some tests change, is the class's
        self.addCleanup(setattr, self.server, "api_key", API_KEY)

    def _activities(self):
        return self.biteship.activity_ids.filtered(lambda a: a.summary == SUMMARY)

    def _validate_as(self, user):
        picking = self._create_picking(carrier=self.biteship)
        picking.with_user(user).button_validate()
        return picking

    def _cron(self):
        self.env["stock.picking"]._cron_tracking_update()

    def test_revoked_key_waits_for_the_new_key(self):
        shipped = self._ship()
        self.assertEqual(shipped.shipment_state, "label_created")
        # Biteship no longer takes the key the shop has
        self.server.api_key = "biteship_test.the-new-key"

        # the tracking cron meets it first: the method's error, one activity
        self.server.set_status(shipped.carrier_shipment_id, "picked")
        shipped.tracking_next_poll_at = fields.Datetime.now() - timedelta(minutes=1)
        self._cron()
        self.assertIn(BITESHIP_SAYS, self.biteship.tracking_config_error)
        self.assertEqual(shipped.shipment_state, "label_created")
        [activity] = self._activities()
        self.assertEqual(activity.user_id, self.admin)
        self.assertIn(BITESHIP_SAYS, str(activity.note))

        # the warehouse validates: deliveries wait, Biteship is not asked
        requests = self.server.requests
        waiting = self._validate_as(self.stock_user) | self._validate_as(
            self.stock_user
        )
        self.assertEqual(waiting.mapped("shipment_state"), ["label_pending"] * 2)
        self.assertEqual(self.server.requests, requests)
        for picking in waiting:
            notes = " ".join(picking.message_ids.mapped("body"))
            self.assertIn("waits until the settings", notes)
            self.assertFalse(picking.activity_ids)
            self.assertFalse(picking.tracking_next_poll_at)
        # a shopper meets no price and no word of the key
        order = self._sale_order()
        rate = self.biteship.with_user(self.shopper).sudo().rate_shipment(order)
        self.assertFalse(rate["success"])
        self.assertIn("not available at the moment", rate["error_message"])
        self.assertNotIn("key", rate["error_message"])
        self.assertFalse(self.biteship._is_available_for_order(order))
        # the scheduler leaves the method alone; the watch does not flag the
        # waiting deliveries one by one
        waiting.date_done = fields.Datetime.now() - timedelta(hours=6)
        for _run in range(2):
            self._cron()
        self.assertEqual(self.server.requests, requests)
        self.assertEqual(waiting.mapped("shipment_state"), ["label_pending"] * 2)
        self.assertFalse(waiting.filtered("watch_reason"))
        self.assertEqual(len(self._activities()), 1)

        # the administrator saves the new key: all goes on
        self.biteship.with_user(self.admin).biteship_api_key = self.server.api_key
        self.assertFalse(self.biteship.tracking_config_error)
        self.assertFalse(self._activities())
        self.assertTrue(self.biteship._is_available_for_order(order))
        self._cron()
        self.assertEqual(waiting.mapped("shipment_state"), ["label_created"] * 2)
        self.assertEqual(len(self.server.orders), 3)
        self.assertTrue(self.biteship.rate_shipment(order)["success"])

    def test_webhook_met_with_a_revoked_key(self):
        """A webhook is confirmed with Biteship (GET /v1/orders/:id): refused
        for the key, it records the method's error like the cron, answers
        200 and applies nothing; the poll catches up once the key is fixed."""
        self.biteship.tracking_webhook_secret = "whsec-config-0123456789"
        shipped = self._ship()
        self.env.flush_all()
        self.server.api_key = "biteship_test.the-new-key"
        self.server.set_status(shipped.carrier_shipment_id, "picked")
        payload = self.server.webhook_payload(
            "order.status", shipped.carrier_shipment_id
        )
        url = f"{self.base_url()}/delivery_tracking/webhook/{self.biteship.id}"
        for _resent in range(2):
            status, body, outcome = self._send_webhook(
                url,
                payload,
                "whsec-config-0123456789",
                header_name="X-Biteship-Signature",
            )
            self.assertEqual(status, 200, body)
            self.assertEqual(outcome["applied"], 0)
        self.env.invalidate_all()
        self.assertIn(BITESHIP_SAYS, self.biteship.tracking_config_error)
        self.assertEqual(len(self._activities()), 1)
        self.assertEqual(shipped.shipment_state, "label_created")

        self.biteship.biteship_api_key = self.server.api_key
        shipped.tracking_next_poll_at = fields.Datetime.now() - timedelta(minutes=1)
        self._cron()
        self.assertEqual(shipped.shipment_state, "picked_up")

    def test_retry_now_for_inventory_managers(self):
        self.biteship.biteship_api_key = REVOKED
        self.server.api_key = API_KEY
        picking = self._validate_as(self.stock_user)
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertTrue(self.biteship.tracking_config_error)
        # the Inventory user may not clear it, nor read the key
        with self.assertRaises(AccessError):
            self.biteship.with_user(self.stock_user).action_tracking_config_retry()
        with self.assertRaises(AccessError):
            _key = self.biteship.with_user(self.stock_manager).biteship_api_key
        # Biteship activated the key on its side: the manager retries
        self.server.api_key = REVOKED
        self.assertIs(
            self.biteship.with_user(self.stock_manager).action_tracking_config_retry(),
            True,
        )
        self.assertFalse(self.biteship.tracking_config_error)
        self._cron()
        self.assertEqual(picking.shipment_state, "label_created")

    def test_missing_key_is_a_configuration_error(self):
        self.biteship.biteship_api_key = False
        picking = self._ship()
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertIn("Set the Biteship API key", self.biteship.tracking_config_error)
        self.assertEqual(self.server.requests, 0)
        self.biteship.biteship_api_key = API_KEY
        self._cron()
        self.assertEqual(picking.shipment_state, "label_created")

    def test_other_refusals_stay_the_delivery_s(self):
        """A refusal of the delivery (a courier service Biteship lacks) is not
        the method's: retried a day later, with the delivery's activity."""
        self.biteship.biteship_courier_type = "nope"
        picking = self._ship()
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(self.biteship.tracking_config_error)
        self.assertFalse(self._activities())
        self.assertTrue(picking.activity_ids)
        self.assertGreater(
            picking.tracking_next_poll_at, fields.Datetime.now() + timedelta(hours=23)
        )

    def test_shopper_reads_it_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["delivery_carrier_tracking", "delivery_biteship"],
            ["id_ID"],
            overwrite=True,
        )
        self.biteship.biteship_api_key = REVOKED
        shopper = self.biteship.with_user(self.shopper).with_context(lang="id_ID")
        rate = shopper.sudo().rate_shipment(self._sale_order())
        self.assertEqual(
            rate["error_message"],
            "Metode pengiriman ini sedang tidak tersedia. Silakan pilih metode lain.",
        )
        # and a service the warehouse cannot hand over to, in Indonesian too
        self.biteship.biteship_api_key = API_KEY
        self.biteship.write(
            {"biteship_courier_company": "wahana", "biteship_courier_type": "deno"}
        )
        rate = shopper.sudo().rate_shipment(self._sale_order())
        self.assertEqual(
            rate["error_message"],
            "WAHANA DENO tidak menerima paket dengan cara gudang menyerahkannya "
            "(Dijemput Kurir).",
        )
