import threading
import time
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .common import TrackingCommon, remove_committed_delivery, send_twice_at_once


class StandInCarrierApi:
    """A carrier's booking API in memory, shared by the test's threads: what
    it accepted survives the Odoo transactions, as a real carrier's does."""

    def __init__(self):
        self.shipments = {}  # shipment id -> "booked" / "cancelled"
        self.created = 0
        self.latency = 0.0
        self.reachable = True
        self._lock = threading.Lock()

    def book(self):
        time.sleep(self.latency)
        with self._lock:
            self.created += 1
            shipment_id = f"SHP{self.created}"
            self.shipments[shipment_id] = "booked"
        return shipment_id

    def status(self, shipment_id):
        if not self.reachable:
            raise ConnectionError("carrier unreachable")
        return self.shipments.get(shipment_id)


# as delivery_biteship implements it
def provider(carrier_api):
    """The booking side of a provider, as an aggregator implements it,
    for carriers of type "fixed" while patched in: the guard is generic, so
    no test-only delivery type is added to the selection."""

    def fixed_send_shipping(carrier, pickings):
        results = []
        for picking in pickings:
            shipment_id = carrier_api.book()
            carrier._tracking_booking_record(picking, shipment_id, picking.name)
            results.append(fixed_booking_adopt(carrier, picking, shipment_id))
        return results

    def fixed_booking_lookup(_carrier, _picking, shipment_id):
        return shipment_id if carrier_api.status(shipment_id) == "booked" else None

    def fixed_booking_adopt(_carrier, picking, shipment_id):
        picking.carrier_shipment_id = shipment_id
        return {"exact_price": 0.0, "tracking_number": False}

    return {
        "fixed_send_shipping": fixed_send_shipping,
        "fixed_booking_lookup": fixed_booking_lookup,
        "fixed_booking_adopt": fixed_booking_adopt,
    }


@tagged("post_install", "-at_install")
class TestBookingGuard(TransactionCase):
    """The generic "one shipment per delivery" guard (send_shipping and the
    booking journal) through the provider hooks. TransactionCase, real
    committed records: the journal commits through its own cursors, and two
    workers must see each other's work."""

    def setUp(self):
        # Registered first, so run last: after the test's savepoint is rolled
        # back, which releases the rows the test transaction locked (its
        # records pointing at the committed delivery).
        self.addCleanup(self._remove_records)
        super().setUp()
        self.carrier_api = StandInCarrierApi()
        model_class = type(self.env["delivery.carrier"])
        for name, method in provider(self.carrier_api).items():
            patcher = patch.object(model_class, name, method, create=True)
            patcher.start()
            self.addCleanup(patcher.stop)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": "Booking guard courier", "type": "service"}
            )
            carrier = env["delivery.carrier"].create(
                {
                    "name": "Booking guard courier",
                    "delivery_type": "fixed",
                    "product_id": product.id,
                }
            )
            picking_type = env["stock.warehouse"].search([], limit=1).out_type_id
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": picking_type.id,
                    "carrier_id": carrier.id,
                    "location_id": picking_type.default_location_src_id.id,
                    "location_dest_id": env.ref("stock.stock_location_customers").id,
                }
            )
            self.ids = {
                "product": product.id,
                "carrier": carrier.id,
                "picking": picking.id,
            }

    def _remove_records(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            remove_committed_delivery(
                env, self.ids["picking"], self.ids["carrier"], self.ids["product"]
            )

    def _in_new_transaction(self, func):
        """func(picking) in a transaction of its own, committed unless it
        raises: the test transaction would not see the journal's commits."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return func(env["stock.picking"].browse(self.ids["picking"]))

    def _send(self, picking):
        result = picking.carrier_id.send_shipping(picking)
        self.assertEqual(result, [{"exact_price": 0.0, "tracking_number": False}])
        return picking.carrier_shipment_id

    def _journal(self, picking):
        return (
            picking.env["delivery.carrier.booking"]
            .search([("picking_ref", "=", picking.id)])
            .mapped(lambda b: (b.carrier_shipment_id, b.alive))
        )

    def test_retry_after_rollback_adopts(self):
        def send_then_fail(picking):
            self.accepted = self._send(picking)
            raise RuntimeError("validation failed after the carrier accepted")

        with self.assertRaises(RuntimeError):
            self._in_new_transaction(send_then_fail)
        self.assertEqual(self.accepted, "SHP1")
        self.assertFalse(
            self._in_new_transaction(lambda p: p.carrier_shipment_id), "rolled back"
        )
        self.assertEqual(self._in_new_transaction(self._send), "SHP1")
        self.assertEqual(self.carrier_api.created, 1)
        self.assertEqual(self._in_new_transaction(self._journal), [("SHP1", True)])

    def test_concurrent_workers_one_shipment(self):
        self.carrier_api.latency = 0.3  # both transactions are in flight together
        results = send_twice_at_once(self.registry, self.ids["picking"], self._send)
        self.assertEqual(self.carrier_api.created, 1)
        self.assertEqual(results, ["SHP1", "SHP1"])

    def test_dead_shipment_gets_a_new_one(self):
        self.assertEqual(self._in_new_transaction(self._send), "SHP1")
        self.carrier_api.shipments["SHP1"] = "cancelled"  # e.g. no courier found
        self.assertEqual(self._in_new_transaction(self._send), "SHP2")
        self.assertEqual(self.carrier_api.created, 2)
        self.assertEqual(
            self._in_new_transaction(self._journal),
            [("SHP2", True), ("SHP1", False)],
        )
        # the live one is adopted from now on
        self.assertEqual(self._in_new_transaction(self._send), "SHP2")
        self.assertEqual(self.carrier_api.created, 2)

    def test_unknown_state_books_nothing(self):
        self._in_new_transaction(self._send)
        self.carrier_api.reachable = False
        with self.assertRaises(ConnectionError):
            self._in_new_transaction(self._send)
        self.assertEqual(self.carrier_api.created, 1)

    def test_provider_without_hooks_is_not_guarded(self):
        # core's path, untouched by the guard: nothing looked up, booked twice
        with patch.object(
            type(self.env["delivery.carrier"]), "fixed_booking_lookup", None
        ):
            self._in_new_transaction(self._send)
            self._in_new_transaction(self._send)
        self.assertEqual(self.carrier_api.created, 2)


@tagged("post_install", "-at_install")
class TestTransportFailure(TrackingCommon):
    def test_transport_error_keeps_validation(self):
        # A provider lets its HTTP library's error through (requests' errors
        # are OSErrors; the generic module does not import requests): the
        # delivery is validated all the same, its label pending and retried.
        def fixed_send_shipping(_carrier, _pickings):
            raise ConnectionError("connection reset by the carrier")

        with patch.object(
            type(self.env["delivery.carrier"]),
            "fixed_send_shipping",
            fixed_send_shipping,
        ):
            picking = self._validate(self._create_picking())
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertTrue(picking.tracking_next_poll_at)
        self.assertTrue(
            any("connection reset" in (m.body or "") for m in picking.message_ids)
        )
