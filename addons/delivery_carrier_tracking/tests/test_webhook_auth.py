import json
import time
from unittest.mock import patch

from odoo.tests import tagged

from ..controllers.webhook import WEBHOOK_MAX_BODY
from .common import TrackingCommon, apply_webhook_inbox

SECRET = "s3cret-for-tests"


class WebhookAuthCases:
    """The same webhook tests for each authentication mode: a subclass names
    the mode (the provider hook <type>_webhook_auth) and how a sender proves
    itself with it."""

    MODE = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET
        patcher = patch.object(
            type(cls.env["delivery.carrier"]),
            "fixed_webhook_auth",
            cls._provider_auth,
            create=True,
        )
        patcher.start()
        cls.addClassCleanup(patcher.stop)

    @staticmethod
    def _provider_auth(_carrier):
        raise NotImplementedError

    def _credentials(self, raw, secret):
        """The headers a sender knowing `secret` adds to `raw`."""
        raise NotImplementedError

    def _wrong_credentials(self):
        """Headers of this mode that cannot be right (odd ones included)."""
        raise NotImplementedError

    def _post(self, raw, headers):
        response = self.opener.post(
            f"{self.base_url()}/delivery_tracking/webhook/{self.carrier.id}",
            data=raw,
            timeout=12,
            headers={"Content-Type": "application/json", **headers},
        )
        response.outcome = apply_webhook_inbox(self.env)
        return response

    def _payload(self, picking, status="in_transit", event_id="a1"):
        return json.dumps(
            {
                "tracking_number": picking.carrier_tracking_ref,
                "events": [
                    {
                        "id": event_id,
                        "time": "2026-01-10T15:00:00+07:00",
                        "status": status,
                    }
                ],
            }
        ).encode()

    def test_proven_webhook_applied(self):
        self.assertEqual(self.carrier._tracking_webhook_auth()["mode"], self.MODE)
        picking = self._validate(self._create_picking())
        raw = self._payload(picking)
        response = self._post(raw, self._credentials(raw, SECRET))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.outcome["applied"], 1)
        self.assertEqual(picking.shipment_state, "in_transit")

    def test_unproven_webhooks_get_403_and_write_nothing(self):
        picking = self._validate(self._create_picking())
        raw = self._payload(picking)
        attempts = [{}, self._credentials(raw, "not-the-secret")]
        attempts += self._wrong_credentials()
        for headers in attempts:
            response = self._post(raw, headers)
            self.assertEqual(response.status_code, 403, headers)
        self.assertFalse(picking.tracking_event_ids)
        self.assertEqual(picking.shipment_state, "label_created")

    def test_no_secret_accepts_nothing(self):
        picking = self._validate(self._create_picking())
        raw = self._payload(picking)
        headers = self._credentials(raw, SECRET)
        self.carrier.tracking_webhook_secret = False
        self.assertEqual(self._post(raw, headers).status_code, 403)
        # an empty credential does not match an empty secret either
        self.assertEqual(self._post(raw, self._credentials(raw, "")).status_code, 403)

    def test_same_limits(self):
        """413 before reading, 400 for a proven body that is not JSON, 200
        for a proven empty one (a dashboard's check), never 500; JSON that is
        not the carrier's format is accepted, then refused by the inbox."""
        raw = b"{" + b" " * 1023
        status, _body = self._raw_post(
            f"/delivery_tracking/webhook/{self.carrier.id}",
            self._credentials(raw, SECRET),
            raw,
            length=2 * WEBHOOK_MAX_BODY,
        )
        self.assertEqual(status, 413)
        for raw, expected, failed in (
            (b"{", 400, 0),
            (b"[1, 2]", 200, 1),
            (b"", 200, 0),
        ):
            response = self._post(raw, self._credentials(raw, SECRET))
            self.assertEqual(response.status_code, expected, raw)
            self.assertEqual(len(response.outcome["errors"]), failed, raw)


def _hmac_headers(case, raw, secret):
    timestamp = str(int(time.time()))
    return {
        "X-Tracking-Timestamp": timestamp,
        "X-Tracking-Signature": case._signature(secret, timestamp, raw),
    }


@tagged("post_install", "-at_install")
class TestWebhookAuthHmac(WebhookAuthCases, TrackingCommon):
    MODE = "hmac"

    @staticmethod
    def _provider_auth(_carrier):
        return {"mode": "hmac"}

    def _credentials(self, raw, secret):
        return _hmac_headers(self, raw, secret)

    def _wrong_credentials(self):
        now = str(int(time.time()))
        return [
            {"X-Tracking-Timestamp": now, "X-Tracking-Signature": "é" * 64},
            {"X-Tracking-Timestamp": "²", "X-Tracking-Signature": "0" * 64},
            {"X-Tracking-Timestamp": "1", "X-Tracking-Signature": "0" * 64},
            {"Authorization": f"Bearer {SECRET}"},
        ]


@tagged("post_install", "-at_install")
class TestWebhookAuthHeader(WebhookAuthCases, TrackingCommon):
    MODE = "header"

    @staticmethod
    def _provider_auth(_carrier):
        return {"mode": "header", "header": "X-Shop-Token"}

    def _credentials(self, raw, secret):
        return {"X-Shop-Token": secret}

    def _wrong_credentials(self):
        return [
            {"X-Shop-Token": SECRET + "x"},
            {"X-Shop-Token": SECRET[:-1]},
            {"X-Shop-Token": "sécret".encode()},  # non-ASCII bytes
            {"X-Other-Token": SECRET},
            {"Authorization": f"Bearer {SECRET}"},
            # the in-house signature only when the provider says "hmac_too"
            _hmac_headers(self, b"", SECRET),
        ]

    def test_hmac_too(self):
        picking = self._validate(self._create_picking())
        raw = self._payload(picking)
        auth = {"mode": "header", "header": "X-Shop-Token", "hmac_too": True}
        with patch.object(
            type(self.env["delivery.carrier"]),
            "fixed_webhook_auth",
            lambda _carrier: auth,
            create=True,
        ):
            response = self._post(raw, _hmac_headers(self, raw, SECRET))
        self.assertEqual(response.status_code, 200, response.text)


@tagged("post_install", "-at_install")
class TestWebhookAuthBearer(WebhookAuthCases, TrackingCommon):
    MODE = "bearer"

    @staticmethod
    def _provider_auth(_carrier):
        return {"mode": "bearer"}

    def _credentials(self, raw, secret):
        return {"Authorization": f"Bearer {secret}"}

    def _wrong_credentials(self):
        return [
            {"Authorization": SECRET},  # no scheme
            {"Authorization": f"Basic {SECRET}"},
            {"Authorization": f"Bearer {SECRET}x"},
            {"Authorization": "Bearer " + "é" * 8},
            {"Authorization": "Bearer"},
            {"X-Shop-Token": SECRET},
            _hmac_headers(self, b"", SECRET),
        ]

    def test_scheme_case_and_spaces(self):
        picking = self._validate(self._create_picking())
        raw = self._payload(picking)
        response = self._post(raw, {"Authorization": f"bearer  {SECRET} "})
        self.assertEqual(response.status_code, 200, response.text)


@tagged("post_install", "-at_install")
class TestWebhookAuthPing(TrackingCommon):
    """A provider's unauthenticated URL check passes only for the bodies its
    predicate names; an unknown mode is a programming error, answered 403."""

    def test_ping_and_unknown_mode(self):
        self.carrier.tracking_webhook_secret = SECRET
        url = f"{self.base_url()}/delivery_tracking/webhook/{self.carrier.id}"
        auth = {"mode": "bearer", "ping": lambda raw: raw == b"{}"}
        with patch.object(
            type(self.env["delivery.carrier"]),
            "fixed_webhook_auth",
            lambda _carrier: auth,
            create=True,
        ):
            self.assertEqual(
                self.opener.post(url, data=b"{}", timeout=12).status_code, 200
            )
            self.assertEqual(
                self.opener.post(url, data=b"[]", timeout=12).status_code, 403
            )
            auth["mode"] = "magic"
            self.assertEqual(
                self.opener.post(url, data=b"[]", timeout=12).status_code, 403
            )
