"""Tracking webhooks racing other transactions, on the real server.

Two races a busy shop meets (bench/bench_load.py found both) that a test
cursor cannot show, since they need the server's own transactions:

- a webhook whose delivery row was updated by another transaction after its
  own began gets a serialization failure, and Odoo runs the request again:
  the second run must still see the body it was sent (it was answered 403
  "invalid signature", an event lost);
- a carrier resending an event while the first copy is being recorded: the
  first copy's row is invisible to the resend's snapshot even once the resend
  holds the delivery's lock, so only the unique key tells (it was answered 400).

Both are races of the inline mode (*Apply before answering*), set for these
tests; the default mode applies webhooks in the inbox cron (test_webhook_inbox).

Here "the other transaction" is a direct PostgreSQL connection of the test,
which holds the delivery's row lock until the webhook request is seen waiting
for it, then commits.
"""

import threading
import time
from datetime import datetime, timedelta, timezone

import e2e_data
import pytest
from e2e_data import read_one


def make_shipment(server, shop, number):
    """A done delivery of the in-house courier with the tracking number set."""
    picking_type = server.execute(
        "stock.picking.type",
        "search",
        [("code", "=", "outgoing")],
        limit=1,
    )[0]
    types = read_one(
        server,
        "stock.picking.type",
        picking_type,
        ["default_location_src_id", "default_location_dest_id"],
    )
    source = types["default_location_src_id"][0]
    customers = e2e_data.ref(server, "stock.stock_location_customers")
    picking = server.execute(
        "stock.picking",
        "create",
        {
            "picking_type_id": picking_type,
            "partner_id": shop.customer_partner_id,
            "carrier_id": shop.carriers["in_house"],
            "location_id": source,
            "location_dest_id": customers,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": shop.product_name,
                        "product_id": shop.product_id,
                        "product_uom_qty": 1,
                        "location_id": source,
                        "location_dest_id": customers,
                    },
                )
            ],
        },
    )
    server.execute("stock.picking", "action_confirm", [picking])
    moves = read_one(server, "stock.picking", picking, ["move_ids"])["move_ids"]
    server.execute("stock.move", "write", moves, {"quantity": 1, "picked": True})
    e2e_data.validate_delivery(server, picking)
    server.execute("stock.picking", "action_set_tracking_number", [picking], number)
    return picking


def event_payload(number, event_id, status, minutes_ago):
    when = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    return {
        "tracking_number": number,
        "events": [
            {
                "id": event_id,
                "time": when.isoformat(),
                "status": status,
                "description": f"{status} ({event_id})",
                "location": "Bandung",
            }
        ],
    }


def wait_for_lock_waiter(conn, timeout=30, count=1):
    """Until `count` server transactions wait for a row lock (webhooks)."""
    deadline = time.monotonic() + timeout
    with conn.cursor() as cr:
        while time.monotonic() < deadline:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND query ILIKE '%FOR NO KEY UPDATE%'"
            )
            if cr.fetchone()[0] >= count:
                return
            time.sleep(0.1)
    pytest.fail("the webhook request never waited for the delivery's lock")


def post_in_thread(url, payload):
    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(
            e2e_data.signed_post(url, e2e_data.IN_HOUSE_WEBHOOK_SECRET, payload)
        )
    )
    thread.start()
    return thread, answers


def events_of(server, picking):
    return server.execute(
        "stock.picking.tracking.event",
        "search_read",
        [("picking_id", "=", picking)],
        fields=["event_key", "shipment_state"],
    )


@pytest.mark.usefixtures("inline_webhooks")
def test_webhook_retried_after_a_serialization_failure(odoo_server, shop, database):
    server = odoo_server
    conn, monitor = database
    number = "KTRACE-RETRY-1"
    picking = make_shipment(server, shop, number)
    url = f"{server.url}/delivery_tracking/webhook/{shop.carriers['in_house']}"

    with conn.cursor() as cr:  # another worker updating the delivery
        cr.execute(
            "UPDATE stock_picking SET write_date = now() WHERE id = %s", [picking]
        )
    thread, answers = post_in_thread(
        url, event_payload(number, "retry-1", "picked_up", 5)
    )
    wait_for_lock_waiter(monitor)
    conn.commit()  # the request's snapshot is now stale: Odoo retries it
    thread.join(timeout=60)

    [answer] = answers
    assert answer.status_code == 200, answer.text
    assert answer.json()["applied"] == 1
    assert [e["event_key"] for e in events_of(server, picking)] == ["retry-1"]
    status = server.execute("stock.picking", "get_shipment_status", [picking])
    assert status["shipment_state"] == "picked_up"


@pytest.mark.usefixtures("inline_webhooks")
def test_resent_event_racing_its_original_is_recorded_once(odoo_server, shop, database):
    server = odoo_server
    conn, monitor = database
    number = "KTRACE-RESEND-1"
    picking = make_shipment(server, shop, number)
    url = f"{server.url}/delivery_tracking/webhook/{shop.carriers['in_house']}"
    # the original is first applied, so the resend changes no state
    first = e2e_data.signed_post(
        url,
        e2e_data.IN_HOUSE_WEBHOOK_SECRET,
        event_payload(number, "resend-0", "in_transit", 30),
    )
    assert first.status_code == 200, first.text
    carrier_company = read_one(server, "stock.picking", picking, ["company_id"])

    # The original copy of "resend-1", being recorded by another request:
    # lock, insert, not committed yet (no state change: the row is not
    # updated, so the resend gets no serialization failure).
    with conn.cursor() as cr:
        cr.execute(
            "SELECT id FROM stock_picking WHERE id = %s FOR NO KEY UPDATE", [picking]
        )
        cr.execute(
            """
            INSERT INTO stock_picking_tracking_event
                (picking_id, carrier_id, company_id, event_time, shipment_state,
                 status_code, description, location, event_key,
                 create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, now() at time zone 'utc' - interval '10 minutes',
                    'in_transit', 'in_transit', 'in_transit (resend-1)', 'Bandung',
                    'resend-1', 1, 1, now(), now())
            """,
            [picking, shop.carriers["in_house"], carrier_company["company_id"][0]],
        )
    thread, answers = post_in_thread(
        url, event_payload(number, "resend-1", "in_transit", 10)
    )
    wait_for_lock_waiter(monitor)
    conn.commit()
    thread.join(timeout=60)

    [answer] = answers
    assert answer.status_code == 200, answer.text
    keys = sorted(e["event_key"] for e in events_of(server, picking))
    assert keys == ["resend-0", "resend-1"]
    status = server.execute("stock.picking", "get_shipment_status", [picking])
    assert status["shipment_state"] == "in_transit"
