from odoo import api, fields, models
from odoo.tools import SQL


class BiteshipOrderJournal(models.Model):
    """Every Biteship order created, committed outside the business
    transaction: a delivery whose transaction rolled back after Biteship
    accepted the order finds it here instead of ordering twice."""

    _name = "biteship.order.journal"
    _description = "Biteship Order Journal"
    _order = "id desc"

    # Plain integers, no foreign keys: the row is written from another
    # transaction while this one may hold the delivery's row lock (or may not
    # have committed the delivery yet).
    picking_ref = fields.Integer(
        "Delivery ID", required=True, index=True, readonly=True
    )
    carrier_ref = fields.Integer("Carrier ID", readonly=True)
    order_id = fields.Char("Biteship Order ID", required=True, readonly=True)

    @api.model
    def _record(self, picking, carrier, order_id):
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "INSERT INTO biteship_order_journal "
                    "(picking_ref, carrier_ref, order_id, create_date, write_date) "
                    "VALUES (%s, %s, %s, now() at time zone 'UTC', "
                    "now() at time zone 'UTC')",
                    picking.id,
                    carrier.id,
                    order_id,
                )
            )

    @api.model
    def _last_order_id(self, picking):
        # A fresh transaction sees what a concurrent one journaled after this
        # transaction's snapshot was taken.
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT order_id FROM biteship_order_journal "
                    "WHERE picking_ref = %s ORDER BY id DESC LIMIT 1",
                    picking.id,
                )
            )
            row = cr.fetchone()
        return row[0] if row else False
