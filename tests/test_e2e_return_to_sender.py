"""A return to sender under two webhooks at once, on the real server: the
carrier reports return_in_transit and returned in two concurrent requests
(both held behind another transaction's lock of the delivery, then released
together); one carrier return and one incoming transfer come of it."""

import threading
from datetime import datetime, timedelta, timezone

import e2e_data
import pytest
from e2e_data import read_one
from test_e2e_webhook_races import wait_for_lock_waiter


def shipped_order(server, shop, number):
    order = server.execute(
        "sale.order",
        "create",
        {
            "partner_id": shop.customer_partner_id,
            "website_id": shop.website_id,
            "order_line": [
                (0, 0, {"product_id": shop.product_id, "product_uom_qty": 1})
            ],
        },
    )
    server.execute("sale.order", "action_confirm", [order])
    picking = e2e_data.delivery_of(server, order)
    server.execute(
        "stock.picking", "write", [picking], {"carrier_id": shop.carriers["in_house"]}
    )
    e2e_data.validate_delivery(server, picking)
    server.execute("stock.picking", "action_set_tracking_number", [picking], number)
    return order, picking


def payload(number, event_id, status, code, minutes_ago):
    when = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    return {
        "tracking_number": number,
        "events": [
            {
                "id": event_id,
                "time": when.isoformat(),
                "status": status,
                "status_code": code,
                "description": f"{code} ({event_id})",
            }
        ],
    }


@pytest.mark.usefixtures("inline_webhooks")
def test_two_return_webhooks_at_once_make_one_return(odoo_server, shop, database):
    server = odoo_server
    conn, monitor = database
    number = "KTRTS-RACE-1"
    order, picking = shipped_order(server, shop, number)
    url = f"{server.url}/delivery_tracking/webhook/{shop.carriers['in_house']}"
    answers = []

    def post(body):
        answers.append(
            e2e_data.signed_post(url, e2e_data.IN_HOUSE_WEBHOOK_SECRET, body)
        )

    with conn.cursor() as cr:  # another worker holds the delivery
        cr.execute(
            "SELECT id FROM stock_picking WHERE id = %s FOR NO KEY UPDATE", [picking]
        )
    threads = [
        threading.Thread(target=post, args=(body,))
        for body in (
            payload(number, "rts-1", "exception", "return_in_transit", 20),
            payload(number, "rts-2", "returned", "returned", 10),
        )
    ]
    for thread in threads:
        thread.start()
    wait_for_lock_waiter(monitor, count=2)  # both in flight together
    conn.commit()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(answer.status_code for answer in answers) == [200, 200], [
        answer.text for answer in answers
    ]
    returns = server.execute(
        "sale.return",
        "search_read",
        [("order_id", "=", order)],
        fields=["origin", "state", "rts_picking_id", "return_picking_ids"],
    )
    assert len(returns) == 1, returns
    [ret] = returns
    assert ret["origin"] == "carrier"
    assert ret["rts_picking_id"][0] == picking
    back = read_one(server, "stock.picking", picking, ["return_ids"])["return_ids"]
    assert back == ret["return_picking_ids"] and len(back) == 1
    status = server.execute("sale.order", "get_fulfilment_status", [order])
    assert status[0]["state"] == "returning", status
