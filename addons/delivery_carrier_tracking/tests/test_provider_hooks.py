from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import TrackingCommon

SECRET = "s3cret-for-tests"


@tagged("post_install", "-at_install")
class TestProviderHooks(TrackingCommon):
    """The generic dispatch by delivery_type (<type>_<suffix>): a provider's
    method when it has one, the in-house behaviour otherwise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET

    def _patch_provider(self, name, method):
        patcher = patch.object(
            type(self.env["delivery.carrier"]), name, method, create=True
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def _post_plain(self, body, headers):
        return self.opener.post(
            f"{self.base_url()}/delivery_tracking/webhook/{self.carrier.id}",
            data=body,
            timeout=12,
            headers={"Content-Type": "application/json", **headers},
        )

    def test_webhook_auth_dispatch(self):
        picking = self._validate(self._create_picking())
        body = {"tracking_number": picking.carrier_tracking_ref, "events": []}
        # no provider hook: the in-house HMAC decides
        self.assertEqual(self.carrier._tracking_webhook_auth()["mode"], "hmac")
        self.assertEqual(
            self._post_webhook(self.carrier, body, SECRET).status_code, 200
        )
        self.assertEqual(self._post_plain(b"{}", {"X-Token": SECRET}).status_code, 403)

        # the provider's mode replaces it: a signed request is refused, the
        # provider's header is accepted (test_webhook_auth: every mode)
        self._patch_provider(
            "fixed_webhook_auth",
            lambda _carrier: {"mode": "header", "header": "X-Token"},
        )
        self.assertEqual(
            self._post_webhook(self.carrier, body, SECRET).status_code, 403
        )
        self.assertEqual(self._post_plain(b"{}", {"X-Token": SECRET}).status_code, 200)

    def test_shipment_retry_delay_dispatch(self):
        def fixed_send_shipping(_carrier, _pickings):
            raise ConnectionError("carrier busy")

        self._patch_provider("fixed_send_shipping", fixed_send_shipping)
        before = fields.Datetime.now()
        backoff = self._validate(self._create_picking())
        self.assertEqual(backoff.shipment_state, "label_pending")
        self.assertLess(backoff.tracking_next_poll_at, before + timedelta(hours=1))

        seen = []

        def fixed_shipment_retry_delay(_carrier, error):
            seen.append(str(error))
            return timedelta(days=2)

        self._patch_provider("fixed_shipment_retry_delay", fixed_shipment_retry_delay)
        later = self._validate(self._create_picking())
        self.assertEqual(later.shipment_state, "label_pending")
        self.assertEqual(seen, ["carrier busy"])
        self.assertGreaterEqual(later.tracking_next_poll_at, before + timedelta(days=2))

    def test_tracking_number_set_dispatch(self):
        dropoff = self._create_carrier("Drop-off")
        picking = self._validate(self._create_picking(carrier=dropoff))
        calls = []
        self._patch_provider(
            "fixed_tracking_number_set", lambda _carrier, p: calls.append(p)
        )
        picking._tracking_set_number("WB100")
        self.assertEqual(calls, [picking])
        picking._tracking_set_number("WB100")  # unchanged: not called again
        self.assertEqual(calls, [picking])

    def test_configuration_error_dispatch(self):
        """A refusal the provider calls the method's own (its
        <type>_configuration_error) is recorded once on the method: its
        deliveries wait without retries, it is hidden at checkout, and
        "Retry Now" sends them."""
        refusal = "carrier: your key is refused"

        def fixed_send_shipping(_carrier, _pickings):
            raise ConnectionRefusedError(refusal)

        def fixed_configuration_error(_carrier, error):
            return str(error) if str(error) == refusal else None

        self._patch_provider("fixed_send_shipping", fixed_send_shipping)
        self._patch_provider("fixed_configuration_error", fixed_configuration_error)
        first = self._validate(self._create_picking())
        second = self._validate(self._create_picking())
        self.assertEqual(self.carrier.tracking_config_error, refusal)
        self.assertEqual(
            (first | second).mapped("shipment_state"), ["label_pending"] * 2
        )
        self.assertFalse((first | second).activity_ids)
        self.assertEqual(len(self.carrier.activity_ids), 1)
        self.assertIn(refusal, str(self.carrier.activity_ids.note))
        Picking = self.env["stock.picking"]
        self.assertFalse(
            set(Picking._tracking_due_ids(["label_pending"], 10)) & set(first.ids)
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        self.assertFalse(self.carrier._is_available_for_order(order))
        self.assertFalse(self.carrier.rate_shipment(order)["success"])

        self._patch_provider(
            "fixed_send_shipping",
            lambda _carrier, pickings: [
                {"exact_price": 1.0, "tracking_number": f"OK{p.id}"} for p in pickings
            ],
        )
        self.assertIs(self.carrier.action_tracking_config_retry(), True)
        self.assertFalse(self.carrier.tracking_config_error)
        self.assertFalse(self.carrier.activity_ids)
        self.assertTrue(self.carrier._is_available_for_order(order))
        Picking._cron_tracking_update()
        self.assertEqual(
            (first | second).mapped("shipment_state"), ["label_created"] * 2
        )
