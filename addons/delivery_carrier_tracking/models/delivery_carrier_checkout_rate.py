import json
import time

from odoo import api, fields, models
from odoo.tools import SQL

# Rows older than this are of carts long gone or re-priced: the autovacuum
# removes them.
CHECKOUT_RATES_KEEP_SECONDS = 24 * 3600


class DeliveryCarrierCheckoutRate(models.Model):
    """A provider's rates answer kept for one cart (or its failure, briefly):
    one row per cart and rates request (delivery.carrier.
    _checkout_cached_rates). One row each, not a field of the order: the
    checkout asks the rates of its methods in parallel requests, and
    writing one field of the order row from each made them conflict (a
    serialization failure, the request run again, the provider asked
    again)."""

    _name = "delivery.carrier.checkout.rate"
    _description = "Checkout rates kept for a cart"
    _log_access = False

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    key = fields.Char(required=True)
    at = fields.Float(required=True, help="When it was asked (epoch seconds).")
    answer = fields.Json()
    error = fields.Json()

    _sql_constraints = [  # noqa: RUF012
        ("order_key_uniq", "unique(order_id, key)", "One answer per cart and request.")
    ]

    @api.model
    def _checkout_read(self, order, key):
        """(at, answer, error) kept for `order` and `key`, or None."""
        self.env.cr.execute(
            SQL(
                "SELECT at, answer, error FROM delivery_carrier_checkout_rate "
                "WHERE order_id = %s AND key = %s",
                order.id,
                key,
            )
        )
        return self.env.cr.fetchone()

    @api.model
    def _checkout_keep(self, order, key, at, answer=None, error=None):
        """Keep `answer` (or the failure `error`) for `order` and `key`."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO delivery_carrier_checkout_rate "
                "(order_id, key, at, answer, error) "
                "VALUES (%s, %s, %s, %s::jsonb, %s::jsonb) "
                "ON CONFLICT (order_id, key) DO UPDATE SET at = EXCLUDED.at, "
                "answer = EXCLUDED.answer, error = EXCLUDED.error",
                order.id,
                key,
                at,
                None if answer is None else json.dumps(answer),
                None if error is None else json.dumps(error),
            )
        )

    @api.model
    def _checkout_forget_failures(self, order):
        self.env.cr.execute(
            SQL(
                "DELETE FROM delivery_carrier_checkout_rate "
                "WHERE order_id = %s AND error IS NOT NULL",
                order.id,
            )
        )

    @api.autovacuum
    def _gc_checkout_rates(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM delivery_carrier_checkout_rate WHERE at < %s",
                time.time() - CHECKOUT_RATES_KEEP_SECONDS,
            )
        )
