"""The same story driven only over XML-RPC, as a system integrating the shop.

An order placed by an outside channel for the portal customer, shipped with
JNE (delivery_carrier_tracking's preconfigured carrier: label printed here,
waybill number given at drop-off), paid online with the demo provider. Only
public methods: the fulfilment status and retry of sale_order_fulfilment, the
shipment status and tracking number of delivery_carrier_tracking, core buttons.
"""

import xmlrpc.client

import e2e_data
import pytest
from e2e_data import m2o, read_one, wait_until
from e2e_smtp import body_text

WAYBILL = "JNE4400123456"


@pytest.fixture(scope="module")
def jne(odoo_server):
    """The preconfigured JNE (delivery_carrier_tracking_id_couriers), priced,
    with the shop's webhook relay."""
    carrier = e2e_data.ref(
        odoo_server, "delivery_carrier_tracking_id_couriers.carrier_jne"
    )
    odoo_server.execute(
        "delivery.carrier",
        "write",
        [carrier],
        {
            "fixed_price": 18000.0,
            "tracking_webhook_secret": e2e_data.JNE_WEBHOOK_SECRET,
        },
    )
    return carrier


def place_order(server, shop, carrier):
    order = server.execute(
        "sale.order",
        "create",
        {
            "partner_id": shop.customer_partner_id,
            "website_id": shop.website_id,
            "order_line": [
                (0, 0, {"product_id": shop.product_id, "product_uom_qty": 2})
            ],
        },
    )
    # Core's "Add shipping" wizard; its buttons return None (see helper).
    wizard = server.execute(
        "choose.delivery.carrier", "create", {"order_id": order, "carrier_id": carrier}
    )
    server.execute("choose.delivery.carrier", "update_price", [wizard])
    e2e_data.call_returning_none(
        server, "choose.delivery.carrier", "button_confirm", [wizard]
    )
    return read_one(
        server, "sale.order", order, ["name", "state", "amount_total", "currency_id"]
    )


def pay_online(server, shop, order):
    """A demo-provider transaction for the full amount, done, then the payment
    post-processing the server runs in the background (its cron)."""
    tx = server.execute(
        "payment.transaction",
        "create",
        {
            "provider_id": shop.provider_id,
            "payment_method_id": e2e_data.ref(
                server, "payment_demo.payment_method_demo"
            ),
            "reference": f"{order['name']}-rpc",
            "amount": order["amount_total"],
            "currency_id": m2o(order["currency_id"]),
            "partner_id": shop.customer_partner_id,
            "sale_order_ids": [(6, 0, [order["id"]])],
        },
    )
    e2e_data.call_returning_none(
        server, "payment.transaction", "action_demo_set_done", [tx]
    )
    assert read_one(server, "payment.transaction", tx, ["state"])["state"] == "done"
    cron = e2e_data.ref(server, "payment.cron_post_process_payment_tx")
    server.execute("ir.cron", "method_direct_trigger", [cron])
    return tx


def status_of(server, order_id):
    [status] = server.execute("sale.order", "get_fulfilment_status", [order_id])
    return status


def test_story_over_xmlrpc(odoo_server, shop, jne, smtp_sink):
    server = odoo_server
    e2e_data.set_up_fulfilment_policy(server, shop, auto_validate=False)
    order = place_order(server, shop, jne)
    assert order["state"] == "draft"
    assert status_of(server, order["id"])["state"] == "awaiting_payment"
    with pytest.raises(xmlrpc.client.Fault, match="not paid yet"):
        server.execute("sale.order", "action_fulfil", [order["id"]])

    # Paid: confirmed, invoiced, posted and reconciled with nobody's help.
    pay_online(server, shop, order)
    status = status_of(server, order["id"])
    assert status["state"] == "invoiced", status
    assert status["paid"] is True
    [invoice] = status["invoices"]
    assert invoice["state"] == "posted"
    assert invoice["payment_state"] in ("paid", "in_payment"), invoice
    assert invoice["amount_residual"] == 0
    assert invoice["amount_total"] == pytest.approx(order["amount_total"])
    assert [p["transaction"] for p in status["payments"]] == [f"{order['name']}-rpc"]
    # Running the fulfilment again changes nothing (idempotent).
    assert server.execute("sale.order", "action_fulfil", [order["id"]]) is True
    assert status_of(server, order["id"])["invoices"] == [invoice]

    # The one human step: validating the delivery. JNE gives the waybill at
    # drop-off, so the label exists before the number.
    picking = e2e_data.delivery_of(server, order["id"])
    e2e_data.validate_delivery(server, picking)
    shipment = server.execute("stock.picking", "get_shipment_status", [picking])
    assert shipment["shipment_state"] == "label_created", shipment
    assert shipment["tracking_number"] == ""
    assert e2e_data.shipping_labels(server, picking), "no label attached"
    assert status_of(server, order["id"])["state"] == "shipped"

    # Bad input is refused with a message naming the problem; nothing written.
    with pytest.raises(xmlrpc.client.Fault, match="may only contain"):
        server.execute(
            "stock.picking", "action_set_tracking_number", [picking], "<b>JNE</b>"
        )
    assert (
        server.execute("stock.picking", "get_shipment_status", [picking])[
            "tracking_number"
        ]
        == ""
    )

    shipment = server.execute(
        "stock.picking", "action_set_tracking_number", [picking], f"  {WAYBILL} "
    )
    link = e2e_data.tracking_link(e2e_data.jne_tracking_url(server), WAYBILL)
    assert shipment["tracking_number"] == WAYBILL
    assert shipment["tracking_links"] == [[WAYBILL, link]]
    # The customer is told the number once it is known, with JNE's link.
    mails = wait_until(
        lambda: [m for m in smtp_sink.to(shop.customer_login) if link in body_text(m)],
        what="the mail with the tracking link",
    )
    assert shipment["name"] in mails[-1]["subject"]

    # JNE (through the shop's relay) reports the parcel delivered; a forged
    # call is refused and changes nothing.
    url = f"{server.url}/delivery_tracking/webhook/{jne}"
    payload = {
        "tracking_number": WAYBILL,
        "events": [
            {
                "id": "jne-1",
                "time": "2026-01-05T09:00:00+07:00",
                "status": "in_transit",
                "description": "Departed from Jakarta hub",
                "location": "Jakarta",
            },
            {
                "id": "jne-2",
                "time": "2026-01-06T14:30:00+07:00",
                "status": "delivered",
                "description": "Delivered to Siti Rahma",
                "location": "Jakarta Pusat",
            },
        ],
    }
    forged = e2e_data.signed_post(url, "not-the-secret", payload)
    assert forged.status_code == 403
    assert (
        server.execute("stock.picking", "get_shipment_status", [picking])[
            "shipment_state"
        ]
        == "label_created"
    )
    for _attempt in range(2):  # a carrier retrying its call: same events once
        answer = e2e_data.signed_post(url, e2e_data.JNE_WEBHOOK_SECRET, payload)
        assert answer.status_code == 200, answer.text
    # one row for both calls, applied once
    assert e2e_data.apply_webhook_inbox(server) == {
        "applied": 1,
        "unknown": 0,
        "failed": 0,
    }
    shipment = server.execute("stock.picking", "get_shipment_status", [picking])
    assert shipment["shipment_state"] == "delivered"
    assert [(e["shipment_state"], e["event_time"]) for e in shipment["events"]] == [
        ("delivered", "2026-01-06T07:30:00Z"),
        ("in_transit", "2026-01-05T02:00:00Z"),
    ]
    wait_until(
        lambda: [
            m
            for m in smtp_sink.to(shop.customer_login)
            if "delivered" in m["subject"] and WAYBILL in body_text(m)
        ],
        what="the 'delivered' mail",
    )
    final = status_of(server, order["id"])
    assert final["state"] == "delivered", final
    assert [d["shipping_state"] for d in final["deliveries"]] == ["delivered"]
