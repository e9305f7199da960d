"""Biteship's price of an order in parts, as the freight audit records it.
Plain Python."""

# Where an order (orders/retrieve, orders/create) has each part of its price
# (https://biteship.com/id/docs/api/orders/retrieve: price 27500 =
# courier.shipment_fee 25000 + courier.insurance.fee 2500).
ORDER_PARTS = {
    "shipping_fee": ("courier", "shipment_fee"),
    "insurance_fee": ("courier", "insurance", "fee"),
    "cod_fee": ("destination", "cash_on_delivery", "fee"),
    "proof_of_delivery_fee": ("destination", "proof_of_delivery", "fee"),
}
# The order.price webhook's names of the same parts: "shippment_fee" is
# Biteship's spelling (https://biteship.com/id/docs/api/webhook/overview);
# it carries no insurance fee.
WEBHOOK_PARTS = {
    "shipping_fee": "shippment_fee",
    "cod_fee": "cash_on_delivery_fee",
    "proof_of_delivery_fee": "proof_of_delivery_fee",
}

# An order in these statuses is a parcel the courier brings back to the
# shop: what its price holds beyond the outbound parts is the return postage
# (https://help.biteship.com/hc/id/articles/47699929054105: on a returned COD
# parcel the COD fee is not charged, the shipping still is, and "ongkir
# retur" per the courier's policy; the API names no return part).
RETURN_STATUSES = ("return_in_transit", "returned")


def is_returning(order):
    """Whether a Biteship order (orders/retrieve) is a parcel coming back."""
    return isinstance(order, dict) and order.get("status") in RETURN_STATUSES


def _amount(value):
    """Biteship sends its amounts as JSON numbers (no captured payload had
    one as a string); anything else is no amount."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _dig(data, path):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def price_details(order, webhook=None):
    """(price, parts, raw) of a Biteship order, in rupiah: the price and the
    parts the order gives (None where it gives none), those it lacks taken
    from the order.price webhook that announced it when both tell the same
    price (the webhook is only a hint: the order is what Biteship says
    now); raw: the values read, as Biteship sent them."""
    order = order if isinstance(order, dict) else {}
    webhook = webhook if isinstance(webhook, dict) else {}
    price = _amount(order.get("price"))
    parts = {key: _amount(_dig(order, path)) for key, path in ORDER_PARTS.items()}
    if webhook and price is not None and _amount(webhook.get("price")) == price:
        for key, name in WEBHOOK_PARTS.items():
            if parts[key] is None:
                parts[key] = _amount(webhook.get(name))
    raw = {
        "order": {
            "price": order.get("price"),
            **{".".join(path): _dig(order, path) for path in ORDER_PARTS.values()},
        }
    }
    if webhook:
        raw["webhook"] = webhook
    return price, parts, raw
