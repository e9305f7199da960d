"""Role matrix over XML-RPC: what each kind of shop user may do with the public
methods of our models and with the usual core actions, against a real server.

The table MATRIX spells out every cell: allowed -> the call succeeds and does
what it says; denied -> an XML-RPC fault carrying an AccessError or a
UserError (never a crash) and nothing changed in the database. The cells follow
core Odoo's rights (ir.model.access and record rules of sale, sale_stock,
stock_account, account, portal), with two principles where core is silent:
nothing an ordinary user does needs the administrator, and nothing a customer
does moves money or goods. The public visitor (no login, no XML-RPC) is
checked on the HTTP routes. Each allowed call is done by the role itself; the
administrator only prepares data and reads the outcome.

The outbound shipping label is the shop's document (the carrier's barcode for
the hand-over, routing data): the shop's users read and print it in the back
office, where core's rights on the delivery and its attachments apply; the
customer and the public visitor get the tracking number, status and the
carrier's link, and no route gives them the label's bytes (LABEL_ROUTES).
"""

import ast
import base64
import time
import uuid
import xmlrpc.client
from pathlib import Path

import e2e_data
import pytest
import requests
from e2e_data import read_one

# XML-RPC fault codes of Odoo's /xmlrpc/2 (odoo.addons.base.controllers.rpc)
USER_ERROR = 2
ACCESS_ERROR = 4
A, D = "allow", "deny"
ROLES = {
    "sales_own": "sales_team.group_sale_salesman",
    "sales_all": "sales_team.group_sale_salesman_all_leads",
    "stock": "stock.group_stock_user",
    "billing": "account.group_account_invoice",
    "portal": "base.group_portal",
}
# "mine": an order whose salesperson is the sales_own user and whose customer
# is the portal user; "other": another salesperson's order for another
# customer. Columns: sales_own, sales_all, stock, billing, portal.
MATRIX = {
    # core actions on orders
    "order.read_mine": (A, A, A, A, A),
    "order.read_other": (D, A, A, A, D),
    "order.write": (A, A, A, A, D),
    "order.confirm": (A, A, A, D, D),
    # sale_order_fulfilment
    "order.get_fulfilment_status": (A, A, A, A, A),
    "order.get_fulfilment_status_other": (D, A, A, A, D),
    "order.action_fulfil": (A, A, D, A, D),
    # the payments list needs Accounting rights (salespeople cannot read it)
    "order.action_view_fulfilment_payments": (D, D, D, A, D),
    "invoice.action_view_fulfilment_payments": (D, D, D, A, D),
    # core accounting
    "invoice.create_post": (D, D, D, A, D),
    "invoice.register_payment": (D, D, D, A, D),
    # core stock
    "picking.validate": (A, A, A, A, D),
    # sale_order_fulfilment: a paid order invoiced at delivery, another
    # salesperson's; the invoice follows the shop's policy, whoever validates
    "picking.validate_invoice_on_delivery": (A, A, A, A, D),
    # delivery_carrier_tracking
    "picking.action_set_tracking_number": (A, A, A, D, D),
    "picking.get_shipment_status": (A, A, A, A, A),
    "picking.get_shipment_status_other": (A, A, A, A, D),
    "picking.action_open_tracking_number_wizard": (A, A, A, A, D),
    "picking.send_to_shipper": (D, D, A, D, D),
    "picking.send_to_shipper_not_done": (D, D, D, D, D),
    "picking.cancel_shipment": (D, D, A, D, D),
    # the outbound label: the delivery's attachment (core's rights: whoever
    # may read the delivery in the back office); printing labels is the
    # warehouse's (delivery_carrier_tracking_label_print)
    "label.read_pdf": (A, A, A, A, D),
    "picking.action_print_shipping_labels": (D, D, A, D, D),
    # courier pickups and their handover are the warehouse's
    "picking.action_open_pickup_schedule": (D, D, A, D, D),
    # delivery_carrier_pickup_batch: the same from a batch transfer
    "batch.action_open_pickup_schedule": (D, D, A, D, D),
    "pickup.action_schedule": (D, D, A, D, D),
    "pickup.action_mark_picked_up": (D, D, A, D, D),
    # delivery_carrier_tracking: returns, the carrier side; the return label
    # (core's button) and the receipt by scan are the warehouse's
    "picking.print_return_label": (D, D, A, D, D),
    # the return's pickup (its label) cancelled with the carrier while the
    # receipt waits: the warehouse's, as the delivery's shipment
    "picking.cancel_return_pickup": (D, D, A, D, D),
    "picking.action_open_by_tracking_number": (D, D, A, D, D),
    # delivery_carrier_tracking: "Retry Now" on a method whose settings the
    # carrier refused, for Inventory / Sales managers only
    "carrier.action_tracking_config_retry": (D, D, D, D, D),
    # delivery_carrier_tracking: the provider's request budget and the poll
    # interval are a method's settings, Inventory / Sales managers' to edit
    "carrier.write_request_budget": (D, D, D, D, D),
    # delivery_carrier_freight_audit: a delivery's costs for warehouse users
    # (core shows them its shipping cost), the report for managers only
    "picking.read_freight_costs": (D, D, A, D, D),
    "freight_report.read": (D, D, D, D, D),
    # sale_order_fulfilment_return: the customer asks for a return of their
    # own delivered order (a salesperson on their behalf); salespeople
    # approve or refuse; the warehouse receives (core's validation, the
    # refund follows as the shop's automation); billing refunds by hand;
    # the return rates are the sales managers'
    "order.request_return": (A, A, D, D, A),
    "order.request_return_other": (D, A, D, D, D),
    "return.get_return_status": (A, A, A, A, A),
    "return.action_approve": (A, A, D, D, D),
    "return.action_refuse": (A, A, D, D, D),
    "return.action_refund": (D, D, D, A, D),
    "return_picking.validate": (A, A, A, A, D),
    "return_report.read": (D, D, D, D, D),
    # return to sender: the carrier's webhook (public visitor, signed) makes
    # it, the warehouse receives; at receipt salespeople cancel or re-ship,
    # billing refunds
    "return.action_rts_decide_cancel": (A, A, D, D, D),
    "return.action_rts_decide_reship": (A, A, D, D, D),
    "return.action_rts_decide_refund": (D, D, D, A, D),
}
CELLS = [
    pytest.param(action, role, expected, id=f"{action}-{role}-{expected}")
    for action, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]
SINGLE_LABEL_REPORT = "delivery_carrier_tracking.report_shipping_label"
LABELS_REPORT = "delivery_carrier_tracking_label_print.report_shipping_labels"
LABEL_ROUTES = [
    # the portal route that served it until the label became the shop's only
    "/my/picking/label/{picking}/{label}",
    "/my/picking/label/{picking}/{label}?access_token={token}",
    # core's attachments and reports, the shipping desk's ZPL file
    "/web/content/{label}?download=true",
    "/web/content/{label}?download=true&access_token={token}",
    "/web/content/ir.attachment/{label}/raw",
    "/report/pdf/" + SINGLE_LABEL_REPORT + "/{picking}",
    "/report/html/" + SINGLE_LABEL_REPORT + "/{picking}",
    "/report/pdf/" + LABELS_REPORT + "/{picking}",
    "/report/html/delivery_carrier_tracking_label_print.labels_10x15/{parcel}",
    "/delivery_label_print/zpl/{picking}",
]
PORTAL_LOGIN = "matrix.portal@example.id"
SHIPPING_ADDRESS = {
    "street": "Jl. Cempaka Putih 3",
    "city": "Jakarta Pusat",
    "zip": "10510",
    "phone": "+62 812 7777 0001",
}


class Client:
    """XML-RPC as one user, with the same execute() as the admin's server."""

    def __init__(self, server, login, password):
        self.db, self.url = server.db, server.url
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        self.uid = common.authenticate(server.db, login, password, {})
        assert self.uid, f"{login} could not log in over XML-RPC"
        self.login, self.password = login, password

    def execute(self, model, method, *args, **kwargs):
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object")
        return proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


class World:
    """Users, product, carriers and the two shipped orders the cells share."""

    def __init__(self, admin, shop):
        self.admin = admin
        self.shop = shop
        e2e_data.set_up_fulfilment_policy(admin, shop, auto_validate=False)
        self.tag = uuid.uuid4().hex[:6]
        self.users = {role: self._user(role, xmlid) for role, xmlid in ROLES.items()}
        self.portal_partner = read_one(
            admin, "res.users", self.users["portal"].uid, ["partner_id"]
        )["partner_id"][0]
        admin.execute(
            "res.partner", "write", [self.portal_partner], dict(SHIPPING_ADDRESS)
        )
        self.other_partner = admin.execute(
            "res.partner",
            "create",
            {"name": "Pelanggan Lain", "email": "lain@example.id", **SHIPPING_ADDRESS},
        )
        self.product = admin.execute(
            "product.product",
            "create",
            {
                "name": "Sarung Tenun",
                "type": "consu",
                "list_price": 120000.0,
                "weight": 0.5,
                "invoice_policy": "order",
                "taxes_id": [(6, 0, [])],
            },
        )
        self.product_on_delivery = admin.execute(
            "product.product",
            "create",
            {
                "name": "Kain Songket",
                "type": "consu",
                "list_price": 450000.0,
                "weight": 0.8,
                "invoice_policy": "delivery",
                "taxes_id": [(6, 0, [])],
            },
        )
        self.carrier = self._carrier("Kurir Matriks", "fixed")
        # Refuses every address at validation (France only), so that the
        # delivery is done with its label pending; opened up afterwards.
        self.picky_carrier = self._carrier("Kurir Pilih", "base_on_rule")
        admin.execute(
            "delivery.carrier",
            "write",
            [self.picky_carrier],
            {
                "price_rule_ids": [
                    (
                        0,
                        0,
                        {
                            "variable": "weight",
                            "operator": ">=",
                            "max_value": 0,
                            "list_base_price": 10000.0,
                        },
                    )
                ]
            },
        )
        self.mine = self.order(self.users["sales_own"].uid, self.portal_partner)
        self.other = self.order(admin.uid, self.other_partner)
        for order in (self.mine, self.other):
            self.pay(order)
            self.ship(order, self.carrier)
        self.mine_invoice = self.invoices(self.mine)[0]
        self.mine_picking = e2e_data.delivery_of(admin, self.mine)
        self.other_picking = e2e_data.delivery_of(admin, self.other)

    def _user(self, role, group_xmlid):
        login = PORTAL_LOGIN if role == "portal" else f"matrix.{role}@example.id"
        password = f"{role}-matrix-pw"
        self.admin.execute(
            "res.users",
            "create",
            {
                "name": f"Matrix {role}",
                "login": login,
                "password": password,
                "email": login,
                "groups_id": [(6, 0, [e2e_data.ref(self.admin, group_xmlid)])],
            },
        )
        return Client(self.admin, login, password)

    def _carrier(self, name, delivery_type):
        admin = self.admin
        sequence = admin.execute(
            "ir.sequence",
            "create",
            {"name": f"{name} waybills", "prefix": "MX", "padding": 6},
        )
        product = admin.execute(
            "product.product",
            "create",
            {"name": name, "type": "service", "list_price": 0.0},
        )
        return admin.execute(
            "delivery.carrier",
            "create",
            {
                "name": name,
                "delivery_type": delivery_type,
                "fixed_price": 10000.0,
                "product_id": product,
                "tracking_create_label": True,
                "tracking_sequence_id": sequence,
            },
        )

    def order(self, salesperson, partner, confirm=True, product=None):
        admin = self.admin
        order = admin.execute(
            "sale.order",
            "create",
            {
                "partner_id": partner,
                "user_id": salesperson,
                "website_id": self.shop.website_id,
                "order_line": [
                    (
                        0,
                        0,
                        {"product_id": product or self.product, "product_uom_qty": 1},
                    )
                ],
            },
        )
        if confirm:
            admin.execute("sale.order", "action_confirm", [order])
        return order

    def pay(self, order):
        e2e_data.pay_online(self.admin, self.shop.provider_id, order)

    def ship(self, order, carrier, validate=True):
        picking = e2e_data.delivery_of(self.admin, order)
        self.admin.execute("stock.picking", "write", [picking], {"carrier_id": carrier})
        if validate:
            e2e_data.validate_delivery(self.admin, picking)
        return picking

    def invoices(self, order):
        return self.admin.execute(
            "account.move",
            "search",
            [
                ("line_ids.sale_line_ids.order_id", "=", order),
                ("move_type", "=", "out_invoice"),
            ],
        )

    def set_policy(self, **values):
        company = self.admin.execute("res.company", "search", [], limit=1)[0]
        self.admin.execute("res.company", "write", [company], values)


@pytest.fixture(scope="module")
def world(odoo_server, shop):
    started = time.monotonic()
    built = World(odoo_server, shop)
    print(f"role matrix: data set up in {time.monotonic() - started:.1f} s")
    return built


def call(client, model, method, *args, **kwargs):
    """A call whose method may return None (core buttons): the work is done
    and committed before XML-RPC fails to encode the answer."""
    return e2e_data.call_returning_none(client, model, method, *args, **kwargs)


# --------------------------------------------------------------------------
# One entry per action: prepare(world) -> ctx, run(client, ctx) -> result,
# snapshot(world, ctx) -> what must not change on a denial,
# check(world, ctx, result) -> what an allowed call must have done.
# --------------------------------------------------------------------------

ORDER_FIELDS = ["state", "client_order_ref", "invoice_ids", "fulfilment_state"]
PICKING_FIELDS = [
    "state",
    "carrier_tracking_ref",
    "shipment_state",
    "carrier_shipment_id",
    "tracking_label_ids",
]


def order_snapshot(world, ctx):
    return read_one(world.admin, "sale.order", ctx["order"], ORDER_FIELDS)


def picking_snapshot(world, ctx):
    return read_one(world.admin, "stock.picking", ctx["picking"], PICKING_FIELDS)


def invoice_snapshot(world, ctx):
    return read_one(
        world.admin,
        "account.move",
        ctx["invoice"],
        ["state", "payment_state", "amount_residual"],
    )


def read_order(key):
    def run(client, ctx):
        return client.execute(
            "sale.order", "read", [ctx["order"]], fields=["name", "state"]
        )

    def check(world, ctx, result):
        assert [row["id"] for row in result] == [ctx["order"]]
        assert result[0]["state"] == "sale"

    return {
        "prepare": lambda world: {"order": getattr(world, key)},
        "run": run,
        "snapshot": order_snapshot,
        "check": check,
    }


def fulfilment_status(key):
    def run(client, ctx):
        return client.execute("sale.order", "get_fulfilment_status", [ctx["order"]])

    def check(world, ctx, result):
        [status] = result
        assert status["id"] == ctx["order"]
        assert status["paid"] is True
        assert status["state"] in ("shipped", "delivered"), status

    return {
        "prepare": lambda world: {"order": getattr(world, key)},
        "run": run,
        "snapshot": order_snapshot,
        "check": check,
    }


def shipment_status(key):
    def run(client, ctx):
        return client.execute("stock.picking", "get_shipment_status", [ctx["picking"]])

    def check(world, ctx, result):
        assert result["picking_id"] == ctx["picking"]
        assert result["tracking_number"].startswith("MX")

    return {
        "prepare": lambda world: {"picking": getattr(world, key)},
        "run": run,
        "snapshot": picking_snapshot,
        "check": check,
    }


def prepare_draft(world):
    return {
        "order": world.order(world.users["sales_own"].uid, world.portal_partner, False)
    }


def run_write(client, ctx):
    return client.execute(
        "sale.order", "write", [ctx["order"]], {"client_order_ref": "PO-MATRIX"}
    )


def check_write(world, ctx, result):
    assert result is True
    assert order_snapshot(world, ctx)["client_order_ref"] == "PO-MATRIX"


def run_confirm(client, ctx):
    return client.execute("sale.order", "action_confirm", [ctx["order"]])


def check_confirm(world, ctx, result):
    assert result is True
    assert order_snapshot(world, ctx)["state"] == "sale"


def prepare_paid_not_invoiced(world):
    world.set_policy(fulfilment_auto_invoice=False)
    try:
        order = world.order(world.users["sales_own"].uid, world.portal_partner)
        world.pay(order)
    finally:
        world.set_policy(fulfilment_auto_invoice=True)
    assert not world.invoices(order)
    return {"order": order}


def run_fulfil(client, ctx):
    return client.execute("sale.order", "action_fulfil", [ctx["order"]])


def check_fulfil(world, ctx, result):
    assert result is True
    [invoice] = world.invoices(ctx["order"])
    values = read_one(world.admin, "account.move", invoice, ["state", "payment_state"])
    assert values["state"] == "posted"
    assert values["payment_state"] in ("paid", "in_payment"), values


def order_payments(world, order):
    [status] = world.admin.execute("sale.order", "get_fulfilment_status", [order])
    return sorted(payment["id"] for payment in status["payments"])


def run_order_payments(client, ctx):
    return client.execute(
        "sale.order", "action_view_fulfilment_payments", [ctx["order"]]
    )


def check_payments_action(world, ctx, result):
    assert result["res_model"] == "account.payment"
    [(field, operator, ids)] = result["domain"]
    assert (field, operator) == ("id", "in")
    assert sorted(ids) == order_payments(world, world.mine)
    assert ids


def run_invoice_payments(client, ctx):
    return client.execute(
        "account.move", "action_view_fulfilment_payments", [ctx["invoice"]]
    )


def prepare_new_invoice(world):
    return {"ref": f"MATRIX-{uuid.uuid4().hex[:8]}"}


def run_create_post(client, ctx):
    move = client.execute(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": ctx["partner"],
            "ref": ctx["ref"],
            "invoice_line_ids": [
                (0, 0, {"name": "Ongkos jahit", "quantity": 1, "price_unit": 50000})
            ],
        },
    )
    call(client, "account.move", "action_post", [move])
    return move


def moves_with_ref(world, ctx):
    return world.admin.execute(
        "account.move", "search_read", [("ref", "=", ctx["ref"])], fields=["state"]
    )


def check_create_post(world, ctx, result):
    assert [m["state"] for m in moves_with_ref(world, ctx)] == ["posted"]


def prepare_open_invoice(world):
    ctx = {"ref": f"MATRIX-{uuid.uuid4().hex[:8]}", "partner": world.other_partner}
    ctx["invoice"] = run_create_post(world.admin, ctx)
    return ctx


def run_register_payment(client, ctx):
    context = {"active_model": "account.move", "active_ids": [ctx["invoice"]]}
    wizard = client.execute("account.payment.register", "create", {}, context=context)
    return call(
        client,
        "account.payment.register",
        "action_create_payments",
        [wizard],
        context=context,
    )


def check_register_payment(world, ctx, result):
    values = invoice_snapshot(world, ctx)
    assert values["payment_state"] in ("paid", "in_payment"), values
    assert values["amount_residual"] == 0


def prepare_ready_delivery(world):
    order = world.order(world.users["sales_own"].uid, world.portal_partner)
    return {"picking": e2e_data.delivery_of(world.admin, order)}


def prepare_paid_on_delivery(world):
    world.set_policy(fulfilment_invoice_on_delivery=True)
    order = world.order(
        world.admin.uid, world.other_partner, product=world.product_on_delivery
    )
    world.pay(order)
    assert not world.invoices(order)
    return {"order": order, "picking": e2e_data.delivery_of(world.admin, order)}


def check_invoiced_on_delivery(world, ctx, result):
    check_validate(world, ctx, result)
    [invoice] = world.invoices(ctx["order"])
    values = read_one(world.admin, "account.move", invoice, ["state", "payment_state"])
    assert values["state"] == "posted"
    assert values["payment_state"] in ("paid", "in_payment"), values


def run_validate(client, ctx):
    e2e_data.validate_delivery(client, ctx["picking"])


def check_validate(world, ctx, result):
    assert picking_snapshot(world, ctx)["state"] == "done"


def run_set_number(client, ctx):
    ctx["number"] = f"MXSET{uuid.uuid4().hex[:6].upper()}"
    return client.execute(
        "stock.picking", "action_set_tracking_number", [ctx["picking"]], ctx["number"]
    )


def check_set_number(world, ctx, result):
    assert result["tracking_number"] == ctx["number"]
    assert picking_snapshot(world, ctx)["carrier_tracking_ref"] == ctx["number"]


def run_wizard(client, ctx):
    return client.execute(
        "stock.picking", "action_open_tracking_number_wizard", [ctx["picking"]]
    )


def check_wizard(world, ctx, result):
    assert result["res_model"] == "stock.picking.tracking.number"
    assert result["context"]["default_picking_id"] == ctx["picking"]


def prepare_pending_delivery(world):
    """Done, label pending: the carrier refused the address at validation."""
    france = world.admin.execute("res.country", "search", [("code", "=", "FR")])
    world.admin.execute(
        "delivery.carrier",
        "write",
        [world.picky_carrier],
        {"country_ids": [(6, 0, france)]},
    )
    order = world.order(world.users["sales_own"].uid, world.portal_partner)
    picking = world.ship(order, world.picky_carrier)
    world.admin.execute(
        "delivery.carrier", "write", [world.picky_carrier], {"country_ids": [(5,)]}
    )
    ctx = {"picking": picking}
    assert picking_snapshot(world, ctx)["shipment_state"] == "label_pending"
    return ctx


def prepare_not_done_delivery(world):
    order = world.order(world.users["sales_own"].uid, world.portal_partner)
    return {"picking": world.ship(order, world.carrier, validate=False)}


def prepare_booked_delivery(world):
    order = world.order(world.users["sales_own"].uid, world.portal_partner)
    ctx = {"picking": world.ship(order, world.carrier)}
    assert picking_snapshot(world, ctx)["shipment_state"] == "label_created"
    return ctx


def run_send(client, ctx):
    return client.execute("stock.picking", "send_to_shipper", [ctx["picking"]])


def check_send(world, ctx, result):
    values = picking_snapshot(world, ctx)
    assert values["shipment_state"] == "label_created", values
    assert values["carrier_tracking_ref"].startswith("MX")
    assert len(values["tracking_label_ids"]) == 1


def run_cancel(client, ctx):
    return client.execute("stock.picking", "cancel_shipment", [ctx["picking"]])


def check_cancel(world, ctx, result):
    values = picking_snapshot(world, ctx)
    assert values["shipment_state"] == "cancelled", values
    assert not values["carrier_tracking_ref"]


def prepare_refused_carrier(world):
    """A delivery method whose settings its carrier refused."""
    carrier = world._carrier(f"Kurir Ditolak {uuid.uuid4().hex[:6]}", "fixed")
    world.admin.execute(
        "delivery.carrier",
        "write",
        [carrier],
        {"tracking_config_error": "The carrier refused the API key."},
    )
    return {"carrier": carrier}


def run_config_retry(client, ctx):
    return client.execute(
        "delivery.carrier", "action_tracking_config_retry", [ctx["carrier"]]
    )


def carrier_snapshot(world, ctx):
    return read_one(
        world.admin, "delivery.carrier", ctx["carrier"], ["tracking_config_error"]
    )


def check_config_retry(world, ctx, result):
    assert result is True
    assert not carrier_snapshot(world, ctx)["tracking_config_error"]


def run_write_request_budget(client, ctx):
    return client.execute(
        "delivery.carrier",
        "write",
        [ctx["carrier"]],
        {"tracking_request_rate": 99.0, "tracking_poll_interval": 5},
    )


def request_budget_snapshot(world, ctx):
    return read_one(
        world.admin,
        "delivery.carrier",
        ctx["carrier"],
        ["tracking_request_rate", "tracking_poll_interval"],
    )


def check_write_request_budget(world, ctx, result):
    assert result is True
    assert request_budget_snapshot(world, ctx)["tracking_request_rate"] == 99.0


def run_read_freight_costs(client, ctx):
    return client.execute(
        "stock.picking",
        "read",
        [ctx["picking"]],
        fields=["freight_booked", "freight_final", "freight_cost_ids"],
    )


def check_read_freight_costs(world, ctx, result):
    [row] = result
    assert row["freight_booked"] == row["freight_final"] == 10000.0, row
    assert len(row["freight_cost_ids"]) == 1


def run_read_freight_report(client, ctx):
    return client.execute(
        "stock.picking.freight.report",
        "search_read",
        [("picking_id", "=", ctx["picking"])],
        fields=["quoted", "final"],
    )


def check_read_freight_report(world, ctx, result):
    assert [row["final"] for row in result] == [10000.0]


def mine_order(world):
    return {"order": world.mine}


def label_of(world, picking):
    [label] = read_one(world.admin, "stock.picking", picking, ["tracking_label_ids"])[
        "tracking_label_ids"
    ]
    return label


def run_read_label(client, ctx):
    [row] = client.execute("ir.attachment", "read", [ctx["label"]], fields=["datas"])
    return base64.b64decode(row["datas"])


def check_label_pdf(world, ctx, result):
    assert result.startswith(b"%PDF"), result[:40]


def run_print_labels(client, ctx):
    return client.execute(
        "stock.picking", "action_print_shipping_labels", [ctx["picking"]]
    )


def check_print_labels(world, ctx, result):
    assert result["report_name"] == LABELS_REPORT, result
    assert result["context"]["active_ids"] == [ctx["picking"]], result


def run_schedule_pickup(client, ctx):
    """Actions > Schedule Pickup on the delivery, then the wizard's button."""
    action = client.execute(
        "stock.picking", "action_open_pickup_schedule", [ctx["picking"]]
    )
    return client.execute(
        "delivery.pickup.schedule", "action_confirm", [action["res_id"]]
    )


def prepare_batch_booked_delivery(world):
    """A delivery packed in a batch transfer, then validated (booked)."""
    order = world.order(world.users["sales_own"].uid, world.portal_partner)
    picking = world.ship(order, world.carrier, validate=False)
    batch = world.admin.execute(
        "stock.picking.batch", "create", {"picking_ids": [(6, 0, [picking])]}
    )
    e2e_data.validate_delivery(world.admin, picking)
    return {"picking": picking, "batch": batch}


def run_batch_schedule_pickup(client, ctx):
    """Schedule Pickup on the batch, then the wizard's button."""
    action = client.execute(
        "stock.picking.batch", "action_open_pickup_schedule", [ctx["batch"]]
    )
    return client.execute(
        "delivery.pickup.schedule", "action_confirm", [action["res_id"]]
    )


def picking_pickup_snapshot(world, ctx):
    return read_one(
        world.admin, "stock.picking", ctx["picking"], ["pickup_id", "pickup_state"]
    )


def check_schedule_pickup(world, ctx, result):
    values = picking_pickup_snapshot(world, ctx)
    assert values["pickup_state"] == "scheduled", values
    assert result["res_model"] == "delivery.pickup"
    assert result["res_id"] == values["pickup_id"][0]


def prepare_pickup(world, schedule=False):
    """A booked delivery in a draft pickup of its carrier (scheduled by the
    administrator when `schedule`)."""
    ctx = prepare_booked_delivery(world)
    ctx["pickup"] = world.admin.execute(
        "delivery.pickup",
        "create",
        {
            "carrier_id": world.carrier,
            "window_start": "2030-01-02 07:00:00",
            "window_end": "2030-01-02 10:00:00",
        },
    )
    world.admin.execute(
        "stock.picking", "write", [ctx["picking"]], {"pickup_id": ctx["pickup"]}
    )
    if schedule:
        world.admin.execute("delivery.pickup", "action_schedule", [ctx["pickup"]])
    return ctx


def pickup_snapshot(world, ctx):
    return read_one(world.admin, "delivery.pickup", ctx["pickup"], ["state"])


def pickup_action(method, state):
    def run(client, ctx):
        return client.execute("delivery.pickup", method, [ctx["pickup"]])

    def check(world, ctx, result):
        assert result is True
        assert pickup_snapshot(world, ctx)["state"] == state

    return {
        "prepare": lambda world: prepare_pickup(world, schedule=state != "scheduled"),
        "run": run,
        "snapshot": pickup_snapshot,
        "check": check,
    }


def prepare_return(world, label=False):
    """A return of one unit of a new delivered order, made with core's wizard
    (which clears the carrier; the return module keeps it: set again here);
    with `label`, its return label made by the administrator."""
    admin = world.admin
    order = world.order(world.users["sales_own"].uid, world.portal_partner)
    delivery = world.ship(order, world.carrier)
    wizard = admin.execute("stock.return.picking", "create", {"picking_id": delivery})
    lines = read_one(admin, "stock.return.picking", wizard, ["product_return_moves"])
    admin.execute(
        "stock.return.picking.line",
        "write",
        lines["product_return_moves"],
        {"quantity": 1.0},
    )
    returned = admin.execute("stock.return.picking", "action_create_returns", [wizard])[
        "res_id"
    ]
    admin.execute("stock.picking", "write", [returned], {"carrier_id": world.carrier})
    ctx = {"picking": returned}
    if label:
        assert admin.execute("stock.picking", "print_return_label", [returned])
        ctx["number"] = picking_snapshot(world, ctx)["carrier_tracking_ref"]
    return ctx


def run_print_return_label(client, ctx):
    return client.execute("stock.picking", "print_return_label", [ctx["picking"]])


def check_return_label(world, ctx, result):
    assert result is True
    values = picking_snapshot(world, ctx)
    assert values["carrier_tracking_ref"].startswith("RTN"), values
    assert values["shipment_state"] == "label_created", values
    assert len(values["tracking_label_ids"]) == 1


def run_scan(client, ctx):
    return client.execute(
        "stock.picking", "action_open_by_tracking_number", ctx["number"]
    )


def check_scan(world, ctx, result):
    assert result["res_model"] == "stock.picking"
    assert result["res_id"] == ctx["picking"]


ACTIONS = {
    "order.read_mine": read_order("mine"),
    "order.read_other": read_order("other"),
    "order.write": {
        "prepare": prepare_draft,
        "run": run_write,
        "snapshot": order_snapshot,
        "check": check_write,
    },
    "order.confirm": {
        "prepare": prepare_draft,
        "run": run_confirm,
        "snapshot": order_snapshot,
        "check": check_confirm,
    },
    "order.get_fulfilment_status": fulfilment_status("mine"),
    "order.get_fulfilment_status_other": fulfilment_status("other"),
    "order.action_fulfil": {
        "prepare": prepare_paid_not_invoiced,
        "run": run_fulfil,
        "snapshot": order_snapshot,
        "check": check_fulfil,
    },
    "order.action_view_fulfilment_payments": {
        "prepare": mine_order,
        "run": run_order_payments,
        "snapshot": order_snapshot,
        "check": check_payments_action,
    },
    "invoice.action_view_fulfilment_payments": {
        "prepare": lambda world: {"invoice": world.mine_invoice},
        "run": run_invoice_payments,
        "snapshot": invoice_snapshot,
        "check": check_payments_action,
    },
    "invoice.create_post": {
        "prepare": lambda world: {
            **prepare_new_invoice(world),
            "partner": world.other_partner,
        },
        "run": run_create_post,
        "snapshot": moves_with_ref,
        "check": check_create_post,
    },
    "invoice.register_payment": {
        "prepare": prepare_open_invoice,
        "run": run_register_payment,
        "snapshot": invoice_snapshot,
        "check": check_register_payment,
    },
    "picking.validate": {
        "prepare": prepare_ready_delivery,
        "run": run_validate,
        "snapshot": picking_snapshot,
        "check": check_validate,
    },
    "picking.validate_invoice_on_delivery": {
        "prepare": prepare_paid_on_delivery,
        "run": run_validate,
        "snapshot": picking_snapshot,
        "check": check_invoiced_on_delivery,
    },
    "picking.action_set_tracking_number": {
        "prepare": prepare_booked_delivery,
        "run": run_set_number,
        "snapshot": picking_snapshot,
        "check": check_set_number,
    },
    "picking.get_shipment_status": shipment_status("mine_picking"),
    "picking.get_shipment_status_other": shipment_status("other_picking"),
    "picking.action_open_tracking_number_wizard": {
        "prepare": lambda world: {"picking": world.mine_picking},
        "run": run_wizard,
        "snapshot": picking_snapshot,
        "check": check_wizard,
    },
    "picking.send_to_shipper": {
        "prepare": prepare_pending_delivery,
        "run": run_send,
        "snapshot": picking_snapshot,
        "check": check_send,
    },
    "picking.send_to_shipper_not_done": {
        "prepare": prepare_not_done_delivery,
        "run": run_send,
        "snapshot": picking_snapshot,
        "check": check_send,
    },
    "picking.cancel_shipment": {
        "prepare": prepare_booked_delivery,
        "run": run_cancel,
        "snapshot": picking_snapshot,
        "check": check_cancel,
    },
    "label.read_pdf": {
        "prepare": lambda world: {
            "picking": world.mine_picking,
            "label": label_of(world, world.mine_picking),
        },
        "run": run_read_label,
        "snapshot": picking_snapshot,
        "check": check_label_pdf,
    },
    "picking.action_print_shipping_labels": {
        "prepare": lambda world: {"picking": world.mine_picking},
        "run": run_print_labels,
        "snapshot": picking_snapshot,
        "check": check_print_labels,
    },
    "picking.action_open_pickup_schedule": {
        "prepare": prepare_booked_delivery,
        "run": run_schedule_pickup,
        "snapshot": picking_pickup_snapshot,
        "check": check_schedule_pickup,
    },
    "batch.action_open_pickup_schedule": {
        "prepare": prepare_batch_booked_delivery,
        "run": run_batch_schedule_pickup,
        "snapshot": picking_pickup_snapshot,
        "check": check_schedule_pickup,
    },
    "pickup.action_schedule": pickup_action("action_schedule", "scheduled"),
    "pickup.action_mark_picked_up": pickup_action("action_mark_picked_up", "picked_up"),
    "picking.print_return_label": {
        "prepare": prepare_return,
        "run": run_print_return_label,
        "snapshot": picking_snapshot,
        "check": check_return_label,
    },
    "picking.cancel_return_pickup": {
        "prepare": lambda world: prepare_return(world, label=True),
        "run": run_cancel,
        "snapshot": picking_snapshot,
        "check": check_cancel,
    },
    "picking.action_open_by_tracking_number": {
        "prepare": lambda world: prepare_return(world, label=True),
        "run": run_scan,
        "snapshot": picking_snapshot,
        "check": check_scan,
    },
    "carrier.action_tracking_config_retry": {
        "prepare": prepare_refused_carrier,
        "run": run_config_retry,
        "snapshot": carrier_snapshot,
        "check": check_config_retry,
    },
    "carrier.write_request_budget": {
        "prepare": lambda world: {"carrier": world.carrier},
        "run": run_write_request_budget,
        "snapshot": request_budget_snapshot,
        "check": check_write_request_budget,
    },
    "picking.read_freight_costs": {
        "prepare": lambda world: {"picking": world.mine_picking},
        "run": run_read_freight_costs,
        "snapshot": picking_snapshot,
        "check": check_read_freight_costs,
    },
    "freight_report.read": {
        "prepare": lambda world: {"picking": world.mine_picking},
        "run": run_read_freight_report,
        "snapshot": picking_snapshot,
        "check": check_read_freight_report,
    },
}


def prepare_delivered(world, key="mine"):
    """A paid, shipped order of the portal customer (mine) or of another
    customer and salesperson (other), within its return window."""
    if key == "mine":
        order = world.order(world.users["sales_own"].uid, world.portal_partner)
    else:
        order = world.order(world.admin.uid, world.other_partner)
    world.pay(order)
    world.ship(order, world.carrier)
    line = world.admin.execute(
        "sale.order.line",
        "search",
        [("order_id", "=", order), ("product_id", "=", world.product)],
    )[0]
    reason = e2e_data.ref(
        world.admin, "sale_order_fulfilment_return.return_reason_damaged"
    )
    return {
        "order": order,
        "lines": [{"sale_line_id": line, "quantity": 1, "reason_id": reason}],
    }


def returns_of(world, ctx):
    return world.admin.execute(
        "sale.return",
        "search_read",
        [("order_id", "=", ctx["order"])],
        fields=["state", "refund_state", "return_picking_ids", "refund_move_id"],
    )


def run_request_return(client, ctx):
    return client.execute("sale.order", "request_return", [ctx["order"]], ctx["lines"])


def check_request_return(world, ctx, result):
    assert result["state"] == "requested", result
    assert result["order_id"] == ctx["order"]
    assert [ret["id"] for ret in returns_of(world, ctx)] == [result["id"]]


def prepare_requested(world):
    ctx = prepare_delivered(world)
    status = world.admin.execute(
        "sale.order", "request_return", [ctx["order"]], ctx["lines"]
    )
    return {**ctx, "return": status["id"]}


def prepare_approved(world):
    ctx = prepare_requested(world)
    world.admin.execute("sale.return", "action_approve", [ctx["return"]])
    return ctx


def run_return_status(client, ctx):
    return client.execute("sale.return", "get_return_status", [ctx["return"]])


def check_return_status(world, ctx, result):
    [status] = result
    assert status["id"] == ctx["return"]
    assert status["state"] == "requested"
    xmlrpc.client.dumps((result,), allow_none=False)


def run_approve(client, ctx):
    return client.execute("sale.return", "action_approve", [ctx["return"]])


def check_approve(world, ctx, result):
    assert result is True
    [ret] = returns_of(world, ctx)
    assert ret["state"] == "approved", ret
    assert len(ret["return_picking_ids"]) == 1
    picking = read_one(
        world.admin, "stock.picking", ret["return_picking_ids"][0], ["carrier_id"]
    )
    assert picking["carrier_id"][0] == world.carrier


def run_refuse(client, ctx):
    return client.execute(
        "sale.return", "action_refuse", [ctx["return"]], "Segel sudah dibuka"
    )


def check_refuse(world, ctx, result):
    assert result is True
    [ret] = returns_of(world, ctx)
    assert ret["state"] == "refused", ret


def run_refund(client, ctx):
    return client.execute("sale.return", "action_refund", [ctx["return"]])


def check_refund(world, ctx, result):
    assert result is True
    [ret] = returns_of(world, ctx)
    assert ret["state"] == "refunded", ret
    assert ret["refund_move_id"], ret
    assert ret["refund_state"] in ("provider", "done"), ret


def prepare_return_picking(world):
    ctx = prepare_approved(world)
    [ret] = returns_of(world, ctx)
    return {**ctx, "picking": ret["return_picking_ids"][0]}


def return_snapshot(world, ctx):
    return returns_of(world, ctx)


def check_return_received(world, ctx, result):
    assert picking_snapshot(world, ctx)["state"] == "done"
    [ret] = returns_of(world, ctx)
    # received by the warehouse, refunded by the automation (the website
    # refunds at receipt), whoever validated
    assert ret["state"] == "refunded", ret
    assert ret["refund_move_id"], ret


def run_read_return_report(client, ctx):
    return client.execute(
        "sale.return.report",
        "search_read",
        [("order_id", "=", ctx["order"])],
        fields=["qty_delivered", "qty_returned"],
    )


def check_read_return_report(world, ctx, result):
    assert sum(row["qty_returned"] for row in result) == 1.0


RETURN_ACTIONS = {
    "order.request_return": {
        "prepare": prepare_delivered,
        "run": run_request_return,
        "snapshot": returns_of,
        "check": check_request_return,
    },
    "order.request_return_other": {
        "prepare": lambda world: prepare_delivered(world, "other"),
        "run": run_request_return,
        "snapshot": returns_of,
        "check": check_request_return,
    },
    "return.get_return_status": {
        "prepare": prepare_requested,
        "run": run_return_status,
        "snapshot": return_snapshot,
        "check": check_return_status,
    },
    "return.action_approve": {
        "prepare": prepare_requested,
        "run": run_approve,
        "snapshot": return_snapshot,
        "check": check_approve,
    },
    "return.action_refuse": {
        "prepare": prepare_requested,
        "run": run_refuse,
        "snapshot": return_snapshot,
        "check": check_refuse,
    },
    "return.action_refund": {
        "prepare": prepare_approved,
        "run": run_refund,
        "snapshot": return_snapshot,
        "check": check_refund,
    },
    "return_picking.validate": {
        "prepare": prepare_return_picking,
        "run": run_validate,
        "snapshot": lambda world, ctx: (
            picking_snapshot(world, ctx),
            returns_of(world, ctx),
        ),
        "check": check_return_received,
    },
    "return_report.read": {
        "prepare": prepare_requested,
        "run": run_read_return_report,
        "snapshot": return_snapshot,
        "check": check_read_return_report,
    },
}
ACTIONS.update(RETURN_ACTIONS)


def prepare_returned_to_sender(world):
    """The carrier's webhook reports the parcel returned (public visitor,
    signed), the warehouse receives the return: a decision is due."""
    ctx = prepare_delivered(world)
    admin = world.admin
    secret = "matrix-rts-secret"
    admin.execute(
        "delivery.carrier",
        "write",
        [world.carrier],
        {"tracking_webhook_secret": secret},
    )
    picking = e2e_data.delivery_of(admin, ctx["order"])
    number = read_one(admin, "stock.picking", picking, ["carrier_tracking_ref"])[
        "carrier_tracking_ref"
    ]
    answer = e2e_data.signed_post(
        f"{admin.url}/delivery_tracking/webhook/{world.carrier}",
        secret,
        {
            "tracking_number": number,
            "events": [
                {
                    "id": f"rts-{number}",
                    "time": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                    "status": "returned",
                    "description": "Alamat tidak ditemukan",
                }
            ],
        },
    )
    assert answer.status_code == 200, answer.text
    assert e2e_data.apply_webhook_inbox(admin)["applied"] == 1
    [ret] = returns_of(world, ctx)
    e2e_data.validate_delivery(admin, ret["return_picking_ids"][0])
    return {**ctx, "return": ret["id"]}


def prepare_reship(world):
    """Returned to sender and received; the customer's corrected address."""
    ctx = prepare_returned_to_sender(world)
    order = read_one(world.admin, "sale.order", ctx["order"], ["partner_id"])
    address = world.admin.execute(
        "res.partner",
        "create",
        {
            "name": "Alamat Kantor",
            "parent_id": order["partner_id"][0],
            "type": "delivery",
            "street": "Jl. Gatot Subroto 5",
            "city": "Jakarta",
            "zip": "12930",
            "phone": "+62 21 5201234",
        },
    )
    return {**ctx, "address": address}


def run_rts_reship(client, ctx):
    return client.execute(
        "sale.return", "action_rts_decide", [ctx["return"]], "reship", ctx["address"]
    )


def reship_snapshot(world, ctx):
    deliveries = world.admin.execute(
        "stock.picking",
        "search",
        [("sale_id", "=", ctx["order"]), ("picking_type_code", "=", "outgoing")],
    )
    return (*rts_snapshot(world, ctx), sorted(deliveries))


def check_reshipped(world, ctx, result):
    """One new delivery to the corrected address with the returned one's
    carrier; the order's own address unchanged."""
    assert result is True
    admin = world.admin
    ret = read_one(
        admin,
        "sale.return",
        ctx["return"],
        ["rts_decision", "rts_picking_id", "reship_picking_id"],
    )
    assert ret["rts_decision"] == "reship", ret
    new = read_one(
        admin,
        "stock.picking",
        ret["reship_picking_id"][0],
        ["partner_id", "carrier_id", "picking_type_code", "state"],
    )
    returned = read_one(
        admin, "stock.picking", ret["rts_picking_id"][0], ["partner_id", "carrier_id"]
    )
    assert new["picking_type_code"] == "outgoing", new
    assert new["partner_id"][0] == ctx["address"], new
    assert new["carrier_id"] == returned["carrier_id"], (new, returned)
    order = read_one(admin, "sale.order", ctx["order"], ["partner_shipping_id"])
    assert order["partner_shipping_id"] == returned["partner_id"], order
    assert len(reship_snapshot(world, ctx)[-1]) == 2


def rts_snapshot(world, ctx):
    return (
        read_one(world.admin, "sale.return", ctx["return"], ["rts_decision"]),
        order_snapshot(world, ctx),
    )


def run_rts_decide(decision):
    def run(client, ctx):
        return client.execute(
            "sale.return", "action_rts_decide", [ctx["return"]], decision
        )

    return run


def check_rts_decided(decision, order_state):
    def check(world, ctx, result):
        assert result is True
        ret = read_one(world.admin, "sale.return", ctx["return"], ["rts_decision"])
        assert ret["rts_decision"] == decision, ret
        assert order_snapshot(world, ctx)["fulfilment_state"] == order_state

    return check


ACTIONS.update(
    {
        "return.action_rts_decide_cancel": {
            "prepare": prepare_returned_to_sender,
            "run": run_rts_decide("cancel"),
            "snapshot": rts_snapshot,
            "check": check_rts_decided("cancel", "exception"),
        },
        "return.action_rts_decide_refund": {
            "prepare": prepare_returned_to_sender,
            "run": run_rts_decide("refund"),
            "snapshot": rts_snapshot,
            "check": check_rts_decided("refund", "returned"),
        },
        "return.action_rts_decide_reship": {
            "prepare": prepare_reship,
            "run": run_rts_reship,
            "snapshot": reship_snapshot,
            "check": check_reshipped,
        },
    }
)


ROOT = Path(__file__).resolve().parents[1]
# Public methods of our models without a row, and why. A new public method
# fails test_matrix_covers_every_public_method until it has a row or a line here.
NOT_IN_MATRIX = {
    # core's methods extended (their access is core's)
    "action_confirm": "core",
    "barcode": "core",
    "button_cancel": "core",
    "button_draft": "core",
    "create": "core",
    "default_get": "core",
    "init": "core (SQL views)",
    "js_assign_outstanding_line": "core",
    "rate_shipment": "core",
    "send_shipping": "core",
    "set_delivery_line": "core",
    "unlink": "core",
    # buttons that only open a view or a wizard of a method with a row
    "action_open_refuse_wizard": "opens action_refuse's wizard",
    "action_open_rts_decide_wizard": "opens action_rts_decide's wizard",
    "action_decide": "the wizard's button: action_rts_decide",
    "action_view_returns": "a window action on the order's returns",
    "action_open_statement_line": "a window action on a bank line",
    "action_view_pickups": "a window action on a batch's pickups",
    # roles tested in their module's tests, no row yet
    "action_cod_match": "sale_order_fulfilment_cod_remittance tests",
    "import_file": "sale_order_fulfilment_cod_remittance tests",
    "action_import": "the import wizard's button: import_file",
    "action_undo_reconciliation": "no role test yet",
    "action_print_shipping_labels_zpl": "delivery_carrier_tracking_label_print tests",
    "action_revoke_tracking_links": "website_delivery_tracking tests",
    "get_scorecard": "delivery_carrier_scorecard tests",
    # stock managers only (none of the matrix's roles reads the inbox)
    "action_tracking_retry": "delivery_carrier_tracking tests (test_webhook_inbox)",
    "get_returnable_lines": "no role test yet",
    "action_cancel": "no role test yet (a return's or a courier pickup's cancellation)",
}
# Carrier-provider methods: core calls them with records (<delivery_type>_...)
PROVIDER_PREFIXES = ("fixed_", "base_on_rule_", "biteship_", "kiriminaja_")


def public_methods():
    """Names of the public methods of our models, wizards and reports."""
    names = set()
    for pattern in ("models", "wizards", "report"):
        for path in (ROOT / "addons").glob(f"*/{pattern}/*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef):
                    names |= {
                        item.name
                        for item in node.body
                        if isinstance(item, ast.FunctionDef)
                        and not item.name.startswith("_")
                        and not item.name.startswith(PROVIDER_PREFIXES)
                    }
    return names


# Methods whose rows are named by their variants
ROWS_OF = {
    "action_rts_decide": {
        "action_rts_decide_cancel",
        "action_rts_decide_refund",
        "action_rts_decide_reship",
    }
}


def test_matrix_covers_every_public_method():
    """Every public method our models define has a row (or its variants'
    rows, ROWS_OF), or a line in NOT_IN_MATRIX saying why not; and that list
    holds no stale name."""
    rows = {action.split(".", 1)[1] for action in MATRIX}
    methods = public_methods()
    covered = {
        name for name in methods if name in rows or ROWS_OF.get(name, set()) & rows
    }
    assert methods - covered - set(NOT_IN_MATRIX) == set()
    assert set(NOT_IN_MATRIX) <= methods - covered
    assert set(ACTIONS) == set(MATRIX)


@pytest.mark.parametrize(("action", "role", "expected"), CELLS)
def test_role_matrix(world, action, role, expected):
    spec = ACTIONS[action]
    ctx = spec["prepare"](world)
    before = spec["snapshot"](world, ctx)
    client = world.users[role]
    if expected == A:
        result = spec["run"](client, ctx)
        spec["check"](world, ctx, result)
        return
    with pytest.raises(xmlrpc.client.Fault) as denied:
        spec["run"](client, ctx)
    fault = denied.value
    assert fault.faultCode in (USER_ERROR, ACCESS_ERROR), fault.faultString[-2000:]
    assert spec["snapshot"](world, ctx) == before, "a denied call changed data"


# --------------------------------------------------------------------------
# Public visitor: HTTP routes only (no XML-RPC login)
# --------------------------------------------------------------------------


def test_public_visitor_routes(world):
    admin = world.admin
    name = read_one(admin, "sale.order", world.mine, ["name"])["name"]
    # the order page: only with the order's access token (core's portal link)
    answer = requests.get(
        f"{admin.url}/my/orders/{world.mine}", allow_redirects=False, timeout=60
    )
    assert answer.status_code in (302, 303)
    assert name not in answer.text
    portal_url = admin.execute("sale.order", "get_portal_url", [world.mine])
    token = portal_url.split("access_token=")[1].split("&")[0]
    answer = requests.get(
        f"{admin.url}/my/orders/{world.mine}",
        params={"access_token": token},
        timeout=60,
    )
    assert answer.status_code == 200
    assert name in answer.text
    answer = requests.get(
        f"{admin.url}/my/orders/{world.mine}",
        params={"access_token": "forged-token"},
        allow_redirects=False,
        timeout=60,
    )
    assert name not in answer.text
    # the shipping label: not even with the order's token (test_label_over_http)


# --------------------------------------------------------------------------
# The outbound label over HTTP: every route that serves a label's bytes
# --------------------------------------------------------------------------

# Who gets the label's bytes over HTTP, in a web session ("public": a
# visitor holding the order's link, not logged in): the shop's users from the
# delivery in the back office, never the customer.
LABEL_HTTP = {
    "portal": D,
    "public": D,
    "stock": A,
    "sales_own": A,
}


def assert_no_label(world, session, token):
    admin = world.admin
    picking = world.mine_picking
    label = label_of(world, picking)
    [row] = admin.execute("ir.attachment", "read", [label], fields=["datas"])
    pdf = base64.b64decode(row["datas"])
    delivery = read_one(
        admin, "stock.picking", picking, ["carrier_tracking_ref", "parcel_ids"]
    )
    number, [parcel] = delivery["carrier_tracking_ref"], delivery["parcel_ids"]
    for route in LABEL_ROUTES:
        url = admin.url + route.format(
            picking=picking, parcel=parcel, label=label, token=token
        )
        answer = session.get(url, allow_redirects=False, timeout=120)
        assert answer.status_code in (303, 403, 404), (route, answer.status_code)
        assert b"%PDF" not in answer.content, route
        assert pdf[-200:] not in answer.content, route
        assert number not in answer.text, route


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(role, expected, id=f"{role}-{expected}")
        for role, expected in LABEL_HTTP.items()
    ],
)
def test_label_over_http(world, role, expected):
    admin = world.admin
    portal_url = admin.execute("sale.order", "get_portal_url", [world.mine])
    token = portal_url.split("access_token=")[1].split("&")[0]
    if role == "public":
        session = requests.Session()
    else:
        user = world.users[role]
        session = e2e_data.web_session(admin.url, admin.db, user.login, user.password)
    if expected == D:
        assert_no_label(world, session, token)
        return
    label = label_of(world, world.mine_picking)
    [row] = admin.execute("ir.attachment", "read", [label], fields=["datas"])
    answer = session.get(f"{admin.url}/web/content/{label}?download=true", timeout=120)
    assert answer.status_code == 200, answer.status_code
    assert answer.content == base64.b64decode(row["datas"])
    # the portal route is gone for everyone
    answer = session.get(
        f"{admin.url}/my/picking/label/{world.mine_picking}/{label}",
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 404, answer.status_code
