"""What Biteship's COD payouts look like: the columns of the dashboard's COD
export and the reference_id of its orders. Plain Python, no database.

Biteship documents its COD balance and disbursements (help center: "COD Fund
Disbursement Mechanism in Biteship", "How to Withdraw COD Balance") but not
the columns of the export: these headers are assumed (readme/USAGE.md).
"""

import re

from odoo.addons.sale_order_fulfilment_cod_remittance.remittance_file import (
    FileFormat,
)

BITESHIP_EXPORT = FileFormat(
    name="Biteship COD export",
    # Biteship's order id (the delivery's carrier shipment id), our
    # reference_id, then the waybill: tried in this order for each row.
    order_columns=(
        "order id",
        "biteship order id",
        "reference id",
        "waybill id",
        "waybill",
        "awb",
        "tracking number",
    ),
    columns={
        "reference": ("disbursement id", "withdrawal id", "payout id"),
        "amount": (
            "cod amount",
            "cod value",
            "cash on delivery",
            "cash on delivery amount",
        ),
        "cod_fee": ("cod fee", "cash on delivery fee", "cod fee amount"),
        "shipping_fee": (
            "shipping fee",
            "shipping cost",
            "shipping price",
            "shipment fee",
            "delivery fee",
        ),
        "paid_date": ("disbursement date", "disbursed at", "withdrawal date"),
        "net": (
            "disbursement amount",
            "disbursed amount",
            "amount disbursed",
            "net amount",
        ),
    },
)

RETRY = re.compile(r"^(.+)-(\d+)$")


def reference_candidates(reference, prefixes):
    """The (delivery name, attempt) pairs `reference` may be the reference_id
    of: delivery_biteship sends the method's prefix, the delivery's name and,
    from the second order of a delivery on, "-<attempt>"
    (`delivery.carrier._biteship_reference`)."""
    candidates = []
    for prefix in sorted(set(prefixes) | {""}, key=len, reverse=True):
        if not reference.startswith(prefix) or len(reference) == len(prefix):
            continue
        rest = reference[len(prefix) :]
        candidates.append((rest, 1))
        retry = RETRY.match(rest)
        if retry and int(retry.group(2)) >= 2:
            candidates.append((retry.group(1), int(retry.group(2))))
    return candidates
