"""The courier services one delivery method offers at checkout (rate
shopping): the shape every provider answers in, and the one rule that marks
the cheapest and the fastest. Plain Python (no ORM).

A provider answers ``_<delivery_type>_checkout_services(order)`` with a list
of plain dicts:

- ``code``: the service's id within the method, sent back when the customer
  chooses it (e.g. "jne:reg");
- ``courier``, ``service``: the courier company and its service code;
- ``name``: what the customer reads (e.g. "JNE Reguler");
- ``price``, ``currency``: the provider's price and its currency code;
- ``etd``: the delivery time as the customer reads it ("1 - 2 days");
- ``etd_hours``: its upper bound in hours (None when unknown), which ranks
  the fastest;
- ``cod``, ``cod_fee``: whether the service collects cash on delivery and
  its fee (in ``currency``);
- ``selected``: whether it is the service chosen on the order.

A provider that prices between its own areas (e.g. districts) raises
``CheckoutAreaError`` when it cannot tell the area of an address: the
checkout lets the customer pick among ``areas`` and hands the pick to the
provider's ``_<delivery_type>_checkout_set_area(order, key)``.
"""

from odoo.exceptions import UserError

SERVICE_KEYS = {
    "code": "",
    "courier": "",
    "service": "",
    "name": "",
    "price": 0.0,
    "currency": "",
    "etd": "",
    "etd_hours": None,
    "cod": False,
    "cod_fee": 0.0,
    "selected": False,
}


def normalize_services(services):
    """The provider's services with every key of the contract (defaults for
    the missing ones) and the badges marked: a new list, in the provider's
    order, one entry per code."""
    result, seen = [], set()
    for service in services or []:
        if not service.get("code") or service["code"] in seen:
            continue
        seen.add(service["code"])
        result.append({**SERVICE_KEYS, **service})
    return mark_cheapest_fastest(result)


def mark_cheapest_fastest(services):
    """Mark ``cheapest`` (lowest price, the quicker one on a tie) and
    ``fastest`` (fewest hours among those with a delivery time, the cheaper
    one on a tie) in place; returns the list."""
    for service in services:
        service["cheapest"] = service["fastest"] = False
    if services:
        min(
            services,
            key=lambda s: (
                s["price"],
                s["etd_hours"] if s["etd_hours"] is not None else float("inf"),
            ),
        )["cheapest"] = True
        timed = [s for s in services if s["etd_hours"] is not None]
        if timed:
            min(timed, key=lambda s: (s["etd_hours"], s["price"]))["fastest"] = True
    return services


class CheckoutAreaError(UserError):
    """The provider's area of the address of partner ``partner_id`` is not
    known: several of its areas match (``areas``, ``[(key, label)]``, keys as
    strings) or none (``areas`` empty). The message is for the back office;
    the checkout offers ``areas`` to the customer."""

    def __init__(self, message, partner_id, areas=()):
        super().__init__(message)
        self.partner_id = partner_id
        self.areas = [(str(key), str(label)) for key, label in areas]

    def checkout_values(self, order):
        """What a rate answer adds for `order`: the areas its customer may
        pick, only when the address is the order's delivery address (never
        the shop's own)."""
        if len(self.areas) < 2 or self.partner_id != order.partner_shipping_id.id:
            return {}
        return {
            "checkout_areas": [
                {"key": key, "label": label} for key, label in self.areas
            ]
        }
