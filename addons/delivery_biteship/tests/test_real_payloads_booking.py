"""Biteship's answers as others captured them (shared/biteship_real_payloads:
errors, rates, orders, cancels, couriers, maps), each read by the connector's
pure functions and replayed through the rates, booking and cancel paths, the
stand-in answering with the file's body, against real records.

BOOKING_PAYLOADS holds what each file must give; a file added there without
its expectation fails test_every_file_has_its_expectation.
"""

from datetime import timedelta

import requests
from odoo import fields
from odoo.addons.delivery_biteship.biteship.answers import (
    CANCEL_REASON_CODES,
    booked_order,
    cancel_body,
    cancelled_order,
    rate_services,
)
from odoo.addons.delivery_biteship.biteship.errors import (
    CONFIGURATION,
    NOT_FOUND,
    REQUEST,
    answer_error,
    error_kind,
)
from odoo.tests import new_test_user, tagged

from .common import API_KEY, REAL_PAYLOADS, BiteshipCommon, real_payload

# What a shopper reads at checkout when Biteship refuses the rates
NEUTRAL = "This delivery method is not available at the moment"
NOT_NOW = "Courier rates are not available right now"
NO_SERVICE = "delivers to this address"
# The files this table covers: every answer of the booking side
PREFIXES = (
    "error_response_",
    "rates_",
    "draft_order_",
    "order_create_",
    "order_cancel",
    "couriers_",
    "maps_",
)
P, D = ("pickup",), ("drop_off",)

BOOKING_PAYLOADS = {
    # -- errors: {status as captured, code, kind, what the shopper reads, the
    # booking's outcome}. The kind comes from the code alone (see errors.py).
    "error_response_40000001_thexdev_fixture.json": {
        "status": 400,
        "code": 40000001,
        "kind": CONFIGURATION,
        "checkout": NEUTRAL,
        "booking": "waits",
    },
    # "success": true on an error: the code says error
    "error_response_40101001_thexdev_fixture.json": {
        "status": 401,
        "code": 40101001,
        "kind": CONFIGURATION,
        "checkout": NEUTRAL,
        "booking": "waits",
    },
    "error_response_40400000_real.json": {
        "status": 404,
        "code": 40400000,
        "kind": CONFIGURATION,
        "checkout": NEUTRAL,
        "booking": "waits",
    },
    "error_response_40001002_real.json": {
        "status": 400,
        "code": 40001002,
        "kind": REQUEST,
        "checkout": NOT_NOW,
        "booking": "refused",
    },
    "error_response_40001010_real.json": {
        "status": 400,
        "code": 40001010,
        "kind": REQUEST,
        "checkout": NO_SERVICE,
        "booking": "refused",
    },
    "error_response_40003001_real.json": {
        "status": 400,
        "code": 40003001,
        "kind": NOT_FOUND,
        "checkout": NOT_NOW,
        "booking": "refused",
    },
    # details.order_id: the retry adopts that order
    "error_response_40002060_docs.json": {
        "status": 400,
        "code": 40002060,
        "kind": REQUEST,
        "checkout": NOT_NOW,
        "booking": "adopts",
    },
    # -- rates: {service: (rupiah, collection methods)}, and the services a
    # rate-shopping method offering all of them shows for a warehouse whose
    # parcels leave by pickup / drop-off (instant ones need coordinates)
    "rates_couriers_response_1_docs.json": {
        "services": {
            "jne:ctc": (11000, P),
            "sicepat:reg": (35000, P),
            "sicepat:best": (45000, P),  # no currency: rupiah
            "wahana:deno": (1000, D),
        },
        "pickup": ["jne:ctc", "sicepat:reg", "sicepat:best"],
        "drop_off": ["wahana:deno"],
    },
    # no currency, no collection method (Biteship's default: pickup)
    "rates_couriers_response_2_captured_php_static.json": {
        "services": {
            "jne:reg": (10000, P),
            "jne:yes": (18000, P),
            "anteraja:next_day": (15300, P),
            "anteraja:reg": (11500, P),
            "anteraja:same_day": (32500, P),
            "sicepat:best": (14000, P),
            "sicepat:reg": (11500, P),
        },
        "pickup": [
            "jne:reg",
            "jne:yes",
            "anteraja:next_day",
            "anteraja:reg",
            "anteraja:same_day",
            "sicepat:best",
            "sicepat:reg",
        ],
        "drop_off": [],
    },
    "rates_couriers_response_3_thexdev_fixture.json": {
        "services": {"jne:reg": (21000, P)},
        "pickup": ["jne:reg"],
        "drop_off": [],
    },
    # one pricing entry alone (replayed as the only entry of an answer)
    "rates_couriers_pricing_entry_jntcargo_docs.json": {
        "services": {"jntcargo:ft": (265000, P)},
        "pickup": ["jntcargo:ft"],
        "drop_off": [],
    },
    "draft_order_rates_response_1_docs.json": {
        "services": {
            "grab:instant": (11000, P),
            "anteraja:reg": (10000, P),
            "sicepat:reg": (11500, P),
            "sap:reg": (8000, P),
            "ninja:standard": (7777, P),  # no collection method
        },
        "pickup": ["anteraja:reg", "sicepat:reg", "sap:reg", "ninja:standard"],
        "drop_off": [],
    },
    # another endpoint's shape ({"rates": [...]}): not a rates answer
    "draft_order_rates_response_2_docs_context7_variant.json": {
        "services": {},
        "pickup": [],
        "drop_off": [],
    },
    # endpoints the connector does not call: read as a rates answer by
    # mistake, they offer nothing and break nothing
    "couriers_response_1_docs_trimmed.json": {
        "services": {},
        "pickup": [],
        "drop_off": [],
    },
    "maps_areas_response_1_docs.json": {"services": {}, "pickup": [], "drop_off": []},
    # -- requests from the docs: the stand-in takes them; ours has their shape
    "rates_couriers_request_1_docs_postal_code.json": {
        "request": "rates",
        "priced": {"anteraja", "jne", "sicepat"},
    },
    "rates_couriers_request_2_docs_coordinates.json": {
        "request": "rates",
        "priced": {"grab", "jne"},  # no tiki on the stand-in
    },
    "rates_couriers_request_3_docs_cod.json": {
        "request": "rates",
        "priced": {"jne", "sicepat"},
        "cod_fee": True,
    },
    "order_create_request_1_docs_cod.json": {
        "request": "create_order",
        # documented on orders/create, beside the docs' example's keys
        "ours_beyond": {"origin_collection_method", "reference_id"},
    },
    # -- order answers: what the booking takes from them
    "order_create_response_1_docs.json": {
        "order": {
            "id": "5dd599ebdefcd4158eb8470b",
            "status": "confirmed",
            "company": "anteraja",
            "type": "reg",
            "tracking_id": "6de509ebdefgh4158ij3451c",
            "waybill": "WYB-1112223333443",
            "link": "",
            "price": 48000,
            "collection_method": "",
        },
    },
    # 2021 shape: no waybill yet (order.waybill_id brings it)
    "order_create_response_2_old_docs_shape.json": {
        "order": {
            "id": "5dd599ebdefcd4158eb8470b",
            "status": "placed",
            "company": "anteraja",
            "type": "reg",
            "tracking_id": "",
            "waybill": "",
            "link": "",
            "price": 48000,
            "collection_method": "",
        },
    },
    "order_create_via_draft_confirm_response_1_docs.json": {
        "order": {
            "id": "66eba364e2e5a64816928197",
            "status": "confirmed",
            "company": "sicepat",
            "type": "reg",
            "tracking_id": "66eba364e2e5a642a092819a",
            "waybill": "000000000000",  # the zeros kept
            "link": "https://track.biteship.com?waybill_id=000000000000",
            "price": 11500,
            "collection_method": "pickup",
        },
    },
    # a draft order is not an order: nothing booked, retried
    "draft_order_create_response_1_docs.json": {"order": None},
    # -- cancel
    "order_cancel_request_1_docs.json": {
        "cancel_request": ("others", "Accidentally ordered")
    },
    "order_cancel_response_1_docs.json": {
        "cancelled": {
            "id": "5dd5a396248481164a225af4",
            "status": "cancelled",
            "reason_code": "others",
            "reason": "Accidentally ordered",
        },
    },
    "order_cancel_response_2_old_docs_shape.json": {
        "cancelled": {
            "id": "5dd5a396248481164a225af4",
            "status": "cancelled",
            "reason_code": "",
            "reason": "Ingin mengganti kurir",
        },
    },
    "order_cancellation_reasons_response_1_docs_en.json": {
        "reason_codes": CANCEL_REASON_CODES,
    },
}


def _files(key):
    return {name: spec for name, spec in BOOKING_PAYLOADS.items() if key in spec}


def _as_rates_answer(name):
    """A file replayed as a rates answer: a lone pricing entry goes inside
    one."""
    body = real_payload(name)
    return {"success": True, "pricing": [body]} if "pricing_entry" in name else body


@tagged("post_install", "-at_install")
class TestRealPayloadsBooking(BiteshipCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shopping = cls._create_biteship_carrier(
            "Biteship replayed",
            checkout_rate_shopping=True,
            biteship_services="jne:reg",
        )
        cls.shopper = new_test_user(
            cls.env, login="replay_shopper", groups="base.group_portal"
        )
        cls.admin = cls.env.ref("base.user_admin")

    def _usd(self, rupiah):
        return self.env.ref("base.IDR")._convert(
            rupiah, self.env.company.currency_id, self.env.company, self.env.cr.now()
        )

    # -- the table covers every file -------------------------------------------

    def test_every_file_has_its_expectation(self):
        files = {
            path.name
            for path in REAL_PAYLOADS.glob("*.json")
            if path.name.startswith(PREFIXES)
        }
        self.assertEqual(len(files), 27)
        self.assertEqual(files, set(BOOKING_PAYLOADS))

    # -- pure functions ----------------------------------------------------------

    def test_errors_read_by_code(self):
        for name, spec in _files("kind").items():
            body = real_payload(name)
            with self.subTest(name):
                code, text, _details = answer_error(spec["status"], body)
                self.assertEqual(code, spec["code"])
                self.assertEqual(text, body["error"])
                # the HTTP status never changes what the code says
                for status in (200, 400, 401, 404, 500, spec["status"]):
                    failure = answer_error(status, body)
                    self.assertIsNotNone(failure, status)
                    self.assertEqual(error_kind(failure[0], status), spec["kind"])
        details = answer_error(400, real_payload("error_response_40002060_docs.json"))[
            2
        ]
        self.assertEqual(details["order_id"], "660105377589b8dea565208b")
        # answers that are not errors stay answers, whatever their code
        for name in _files("services"):
            self.assertIsNone(answer_error(200, real_payload(name)), name)

    def test_rates_read(self):
        for name, spec in _files("services").items():
            with self.subTest(name):
                services = rate_services(_as_rates_answer(name))
                self.assertEqual(
                    {s["key"]: (s["price"], s["collection_methods"]) for s in services},
                    spec["services"],
                )
                self.assertEqual(len(services), len(spec["services"]))
        php = rate_services(
            real_payload("rates_couriers_response_2_captured_php_static.json")
        )
        yes = next(s for s in php if s["key"] == "jne:yes")
        self.assertEqual((yes["duration_range"], yes["hours"]), ("1 - 1", 24))
        same_day = next(s for s in php if s["key"] == "anteraja:same_day")
        self.assertEqual((same_day["duration_unit"], same_day["hours"]), ("hours", 12))

    def test_orders_read(self):
        for name, spec in _files("order").items():
            with self.subTest(name):
                if spec["order"] is None:
                    with self.assertRaises(ValueError):
                        booked_order(real_payload(name))
                    continue
                self.assertEqual(booked_order(real_payload(name)), spec["order"])

    def test_cancels_read(self):
        for name, spec in _files("cancelled").items():
            self.assertEqual(cancelled_order(real_payload(name)), spec["cancelled"])
        name = "order_cancel_request_1_docs.json"
        self.assertEqual(
            cancel_body(*BOOKING_PAYLOADS[name]["cancel_request"]), real_payload(name)
        )
        with self.assertRaises(ValueError):
            cancel_body("lost_parcel", "x")
        name = "order_cancellation_reasons_response_1_docs_en.json"
        self.assertEqual(
            tuple(r["code"] for r in real_payload(name)["cancellation_reasons"]),
            BOOKING_PAYLOADS[name]["reason_codes"],
        )

    # -- replayed through the checkout's rates -------------------------------------

    def _offered(self, name, method):
        """The services the rate-shopping method shows for a new order, all
        of the file's services configured, Biteship answering with the file."""
        self.warehouse.shipment_collection_method = method
        keys = list(BOOKING_PAYLOADS[name]["services"]) or ["jne:reg"]
        self.shopping.biteship_services = ", ".join(keys)
        self.server.replay("rates", _as_rates_answer(name))
        return [
            o["key"] for o in self.shopping._biteship_rate_options(self._sale_order())
        ]

    def test_rates_replayed_per_collection_method(self):
        for name, spec in _files("services").items():
            for method in ("pickup", "drop_off"):
                with self.subTest(name, method=method):
                    self.assertEqual(self._offered(name, method), spec[method])
        self.assertFalse(self.server.canned.get("rates"), "every answer was used")

    def test_single_service_replayed(self):
        """A method of one service prices it only when it takes parcels the
        way the warehouse hands them over."""
        name = "rates_couriers_response_1_docs.json"
        for key, (price, methods) in BOOKING_PAYLOADS[name]["services"].items():
            company, service = key.split(":")
            self.biteship.write(
                {"biteship_courier_company": company, "biteship_courier_type": service}
            )
            for method in ("pickup", "drop_off"):
                with self.subTest(key, method=method):
                    self.warehouse.shipment_collection_method = method
                    self.server.replay("rates", real_payload(name))
                    rate = self.biteship.rate_shipment(self._sale_order())
                    if method in methods:
                        self.assertTrue(rate["success"], rate["error_message"])
                        self.assertAlmostEqual(rate["price"], self._usd(price), 2)
                    else:
                        self.assertFalse(rate["success"])
                        self.assertIn("does not take parcels", rate["error_message"])

    def test_errors_replayed_at_checkout(self):
        order = self._sale_order()
        for name, spec in _files("checkout").items():
            text = real_payload(name)["error"]
            with self.subTest(name):
                self.biteship.biteship_api_key = API_KEY  # a fixed method again
                self.assertTrue(self.biteship._is_available_for_order(order))
                self.server.replay("rates", real_payload(name), spec["status"])
                shopper_rate = (
                    self.biteship.with_user(self.shopper).sudo().rate_shipment(order)
                )
                self.assertFalse(shopper_rate["success"])
                self.assertIn(spec["checkout"], shopper_rate["error_message"])
                self.assertNotIn(text, shopper_rate["error_message"])
                activities = self.biteship.activity_ids
                if spec["kind"] != CONFIGURATION:
                    self.assertFalse(self.biteship.tracking_config_error)
                    self.assertFalse(activities)
                    continue
                # the method's error, once, for the administrator
                self.assertIn(text, self.biteship.tracking_config_error)
                self.assertEqual(len(activities), 1)
                self.assertEqual(activities.user_id, self.admin)
                self.assertIn(text, str(activities.note))
                self.assertFalse(self.biteship._is_available_for_order(order))
                # staff read Biteship's words; Biteship is not asked again
                requests_before = self.server.requests
                staff_rate = self.biteship.rate_shipment(order)
                self.assertIn(text, staff_rate["error_message"])
                self.assertEqual(self.server.requests, requests_before)
                self.assertEqual(len(self.biteship.activity_ids), 1)

    # -- replayed through the booking ----------------------------------------------

    def _seed_order(self, picking, order_id):
        """Biteship holds an order of this delivery under `order_id`."""
        payload = dict(self.biteship._biteship_order_payload(picking), reference_id="S")
        _status, created = self.server.create_order(payload)
        order = self.server.orders.pop(created["id"])
        order["id"] = order_id
        self.server.orders[order_id] = order
        return order

    def test_errors_replayed_at_booking(self):
        for name, spec in _files("booking").items():
            body = real_payload(name)
            with self.subTest(name):
                self.biteship.biteship_api_key = API_KEY
                picking = self._create_picking(carrier=self.biteship)
                seeded = None
                if spec["booking"] == "adopts":
                    seeded = self._seed_order(picking, body["details"]["order_id"])
                self.server.replay("create_order", body, spec["status"])
                before = fields.Datetime.now()
                self._validate(picking)
                if spec["booking"] == "adopts":
                    self.assertEqual(picking.shipment_state, "label_created")
                    self.assertEqual(picking.carrier_shipment_id, seeded["id"])
                    self.assertEqual(
                        picking.carrier_tracking_ref, seeded["courier"]["waybill_id"]
                    )
                    continue
                self.assertEqual(picking.shipment_state, "label_pending")
                self.assertFalse(picking.carrier_shipment_id)
                notes = picking.activity_ids.mapped("note")
                if spec["booking"] == "refused":
                    # the delivery's: its responsible fixes it, a day later
                    self.assertGreaterEqual(
                        picking.tracking_next_poll_at, before + timedelta(hours=23)
                    )
                    self.assertIn(body["error"], str(notes))
                    self.assertFalse(self.biteship.tracking_config_error)
                    continue
                # waits for the method's settings: no activity of its own, not
                # due for the scheduler, sent once the key is saved again
                self.assertIn(body["error"], self.biteship.tracking_config_error)
                self.assertFalse(notes)
                self.assertIn("waits until the settings", picking.message_ids[0].body)
                requests_before = self.server.requests
                self.env["stock.picking"]._cron_tracking_update()
                self.assertEqual(self.server.requests, requests_before)
                self.assertEqual(picking.shipment_state, "label_pending")
                self.biteship.biteship_api_key = API_KEY
                self.env["stock.picking"]._cron_tracking_update()
                self.assertEqual(picking.shipment_state, "label_created")
                self.assertIn(picking.carrier_shipment_id, self.server.orders)

    def test_orders_replayed_at_booking(self):
        for name, spec in _files("order").items():
            expected = spec["order"]
            with self.subTest(name):
                picking = self._create_picking(carrier=self.biteship)
                self.server.replay("create_order", real_payload(name))
                self._validate(picking)
                [(_route, sent)] = self.server.replayed[-1:]
                self.assertEqual(sent["origin_collection_method"], "pickup")
                if expected is None:
                    self.assertEqual(picking.shipment_state, "label_pending")
                    self.assertIn("other than an order", picking.message_ids[0].body)
                    self.assertFalse(picking.carrier_shipment_id)
                    continue
                self.assertEqual(picking.shipment_state, "label_created")
                self.assertEqual(picking.carrier_shipment_id, expected["id"])
                self.assertEqual(
                    picking.carrier_tracking_ref or "", expected["waybill"]
                )
                self.assertEqual(
                    picking.biteship_tracking_id or "", expected["tracking_id"]
                )
                self.assertEqual(picking.biteship_courier_company, expected["company"])
                self.assertAlmostEqual(
                    picking.carrier_price, self._usd(expected["price"]), 2
                )

    # -- replayed through the cancel -------------------------------------------------

    def test_cancels_replayed(self):
        for name, spec in _files("cancelled").items():
            with self.subTest(name):
                picking = self._ship()
                order_id = picking.carrier_shipment_id
                self.server.replay("cancel_order", real_payload(name))
                self.assertIs(picking.cancel_shipment(), True)
                self.assertEqual(picking.shipment_state, "cancelled")
                self.assertFalse(picking.carrier_tracking_ref)
                notes = " ".join(picking.message_ids.mapped("body"))
                self.assertIn(
                    f"{order_id} cancelled ({spec['cancelled']['reason']})", notes
                )
                # what was asked of Biteship: the documented body
                [(_route, sent)] = self.server.replayed[-1:]
                self.assertEqual(sent["cancellation_reason_code"], "others")
                self.assertIn(picking.name, sent["cancellation_reason"])

    # -- the docs' requests: the stand-in takes them, ours have their shape --------

    def test_docs_requests(self):
        headers = {"authorization": API_KEY}
        for name, spec in _files("request").items():
            body = real_payload(name)
            path = "/v1/rates/couriers" if spec["request"] == "rates" else "/v1/orders"
            with self.subTest(name):
                answer = requests.post(
                    self.server.url + path, json=body, headers=headers, timeout=5
                )
                self.assertEqual(answer.status_code, 200, answer.text)
                if spec["request"] == "rates":
                    pricing = answer.json()["pricing"]
                    self.assertEqual({p["company"] for p in pricing}, spec["priced"])
                    if spec.get("cod_fee"):
                        self.assertTrue(all(p["cash_on_delivery_fee"] for p in pricing))
        # our rates body: the docs' postal-code request's keys, and its items'
        ours = self.biteship._biteship_rate_payload(self._sale_order())
        docs = real_payload("rates_couriers_request_1_docs_postal_code.json")
        self.assertEqual(set(ours), set(docs))
        self.assertLessEqual(set(ours["items"][0]), set(docs["items"][0]))
        # our order body: the docs' keys, and two more the docs document
        name = "order_create_request_1_docs_cod.json"
        docs = real_payload(name)
        ours = self.biteship._biteship_order_payload(self._create_picking())
        self.assertEqual(set(ours) - set(docs), BOOKING_PAYLOADS[name]["ours_beyond"])
        self.assertLessEqual(set(ours["items"][0]), set(docs["items"][0]))
