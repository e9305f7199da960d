"""What a carrier's price report says: its parts, why it changed, whether
the change needs a person. Plain Python; the models import it."""

import hashlib
import json
import math

# The parts of a carrier's price, each with the reason its change gives.
# A different shipping fee for the same shipment means the carrier weighed
# or measured the parcel otherwise (Biteship's order.price: actual weight).
COMPONENT_REASONS = {
    "shipping_fee": "weight",
    "cod_fee": "cod_fee",
    "insurance_fee": "insurance",
    "proof_of_delivery_fee": "proof_of_delivery",
    "return_fee": "return",
    "other_fee": "other",
}
COMPONENTS = tuple(COMPONENT_REASONS)
FEES = ("cod_fee", "insurance_fee", "proof_of_delivery_fee", "return_fee")


def clean_amount(value):
    """A carrier's amount as a float, None when it gave none; TypeError for
    anything but a number (a bool is none), ValueError for an infinite one."""
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{value!r:.32} is not a number")
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)


def complete_breakdown(amount, parts, returning=False):
    """All COMPONENTS of `amount` from the parts a carrier gave (None:
    not given): a fee not given is 0, a shipping fee not given is what the
    fees leave of the amount, and `other_fee` is the rest, negative when the
    carrier's parts add up to more than its price.

    `returning`: the carrier priced a parcel it brings back to the shop.
    A carrier that names no return postage (its order keeps the outbound
    parts and raises its price) charges it in what its parts leave over:
    that rest is the return postage."""
    # Biteship is such a carrier: "ongkir retur ... sesuai kebijakan kurir",
    # https://help.biteship.com/hc/id/articles/47699929054105
    fees = {key: parts.get(key) or 0.0 for key in FEES}
    shipping = parts.get("shipping_fee")
    if shipping is None:
        shipping = max(0.0, amount - sum(fees.values()) - (parts.get("other_fee") or 0))
    other = amount - shipping - sum(fees.values())
    if returning and parts.get("return_fee") is None and other > 0:
        fees["return_fee"], other = other, 0.0
    return {"shipping_fee": shipping, **fees, "other_fee": other}


def change_reasons(previous, current, rounding, weights=(None, None)):
    """Reasons of a cost change, the largest first: one per part whose
    amount moved by at least half of `rounding`, and `weight` when the
    carrier's weights (previous, current; None: not given) differ."""
    moved = []
    for key in COMPONENTS:
        delta = abs(current[key] - previous[key])
        if delta >= rounding / 2:
            moved.append((delta, COMPONENT_REASONS[key]))
    reasons = [reason for _delta, reason in sorted(moved, key=lambda m: -m[0])]
    old_weight, new_weight = weights
    if (
        old_weight is not None
        and new_weight is not None
        and not math.isclose(old_weight, new_weight)
        and "weight" not in reasons
    ):
        reasons.append("weight")
    return reasons


def report_key(amount, breakdown, weight):
    """The same report sent twice (a webhook resent) has the same key."""
    canonical = json.dumps(
        [
            round(float(amount), 6),
            [
                round(float(breakdown[key]), 6)
                for key in COMPONENTS
                # keys made before return postage was a part stay the same
                if key != "return_fee" or breakdown[key]
            ],
            weight if weight is None else round(float(weight), 6),
        ]
    )
    return "sha1:" + hashlib.sha1(canonical.encode()).hexdigest()


def exceeds_threshold(difference, base, amount_limit, percent_limit):
    """Whether a cost `difference` against `base` needs a person: it must be
    over every limit the shop set (amount, percent of the base; 0: not
    set). With no limit set, nothing does."""
    if amount_limit <= 0 and percent_limit <= 0:
        return False
    size = abs(difference)
    if amount_limit > 0 and size <= amount_limit:
        return False
    if percent_limit > 0 and base and size * 100.0 / abs(base) <= percent_limit:
        return False
    return size > 0
