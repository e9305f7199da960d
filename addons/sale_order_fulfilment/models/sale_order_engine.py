import logging

from odoo import api, models
from odoo.exceptions import UserError
from odoo.osv import expression
from psycopg2 import errors as pg_errors

from .fulfilment_steps import (
    BATCH,
    CARRIER_READY_DELIVERY,
    DELIVERY_VALIDATED,
    LOCAL_READY_DELIVERY,
    MANUAL,
    OUTSIDE,
    PHASES,
    POSTED_INVOICE,
    STEPS,
    TRIGGERS,
)

_logger = logging.getLogger(__name__)

EXCEPTION_ACTIVITY = "sale_order_fulfilment.mail_activity_type_fulfilment_exception"

# Another worker changed or holds the same rows: not a fulfilment problem, the
# order is simply left to that worker (or to the next run).
CONCURRENCY_ERRORS = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


class SaleOrder(models.Model):
    """The fulfilment engine: runs the steps of fulfilment_steps on sale
    orders, for the batch, the triggers and Fulfil."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_fulfilment_steps(self):
        """The steps, in the order they run. Hook to add or change steps."""
        return STEPS

    @api.model
    def _get_fulfilment_step_domain(self, step, trigger):
        """The orders `step` applies to for `trigger`: those the automation may
        act on (the one predicate, sale.order.fulfilment_may_automate), the
        step's own domain and its settings for the trigger."""
        if trigger not in TRIGGERS:
            raise ValueError(f"Unknown fulfilment trigger {trigger!r}")
        return expression.AND(
            [
                [("fulfilment_may_automate", "=", True)],
                step.domain,
                step.settings(trigger),
            ]
        )

    @api.model
    def _get_fulfilment_todo_domain(self, trigger=BATCH):
        """Orders with a step the automation can do now: the batch's search."""
        return expression.OR(
            [
                self._get_fulfilment_step_domain(step, trigger)
                for step in self._get_fulfilment_steps()
                if step.batch
            ]
        )

    @api.model
    def _cron_fulfil_orders(self, batch_size=100):
        domain = self._get_fulfilment_todo_domain()
        orders = self.search(domain, limit=batch_size, order="id")
        done = orders._fulfilment_run(BATCH)
        # Still to do after a run without error: the step's action could not do
        # what its domain promised (a payment of another customer or
        # receivable account, ...). It would be taken on every run: a person
        # has to look at it.
        for order in done.filtered_domain(domain):
            order._fulfilment_set_exception(
                UserError(
                    self.env._(
                        "The automation did all it could, but the order still has "
                        "something to invoice, a ready delivery or a payment not "
                        "matched with its invoice (another customer or receivable "
                        "account?). Please check it, then click Fulfil."
                    )
                )
            )
            done -= order
        remaining = self.search_count(domain) if len(orders) == batch_size else 0
        # Reports progress so that ir.cron commits this batch and runs the next
        # one; no order done means the rest is locked by another worker.
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)

    def _fulfilment_run(self, trigger):
        """Fulfil the orders that this transaction can lock. A failing order gets
        the exception state, a chatter message and an activity; the others go on
        and the caller's own work (payment post-processing, delivery) is kept.

        Phases (see fulfilment_steps.PHASES), so that the batch stays fast and
        every order's outcome is the one it would get alone in its own
        savepoint:

        - the phases that only write to the database (invoice, post, reconcile;
          then validate deliveries that book no carrier): all orders in one
          savepoint, each step once for all of them. If anything fails, that
          savepoint is rolled back and the phase is replayed one order per
          savepoint; as nothing left the database, the replay gives exactly the
          per-order outcome. An order failing a phase skips the next ones and
          keeps what the previous ones did (a correct, reconciled invoice).
        - the steps reaching outside the database (carrier booking, invoice
          mail): one savepoint per order, never replayed.

        :param str trigger: one of fulfilment_steps.TRIGGERS
        :return: the orders processed without error
        """
        if trigger not in TRIGGERS:
            raise ValueError(f"Unknown fulfilment trigger {trigger!r}")
        orders = self.filtered("fulfilment_may_automate")._fulfilment_lock()
        failures = {}
        for phase in PHASES:
            steps = [s for s in self._get_fulfilment_steps() if s.phase == phase]
            todo = orders.filtered(lambda o: o not in failures)
            if phase == OUTSIDE:
                # one savepoint per order, only for the orders it concerns
                todo = todo.filtered_domain(
                    expression.OR(
                        [self._get_fulfilment_step_domain(s, trigger) for s in steps]
                    )
                )
                failures.update(
                    todo._fulfilment_each(
                        lambda o, s=steps: o._fulfil_steps(trigger, s)
                    )
                )
                continue
            try:
                with self.env.cr.savepoint():
                    todo._fulfil_steps(trigger, steps)
            except Exception:  # pylint: disable=broad-except
                _logger.info(
                    "Fulfilment phase %s failed, one order at a time",
                    phase,
                    exc_info=True,
                )
                failures.update(
                    todo._fulfilment_each(
                        lambda o, s=steps: o._fulfil_steps(trigger, s)
                    )
                )
        for order, error in failures.items():
            if error is not None:
                order._fulfilment_set_exception(error)
        done = orders.filtered(lambda o: o not in failures)
        done._fulfilment_clear_exception()
        return done

    def _fulfil_steps(self, trigger, steps=None):
        """Run the steps (all by default) on the orders each applies to: each
        step selects its orders with its own domain, just before it runs."""
        for step in self._get_fulfilment_steps() if steps is None else steps:
            orders = self.filtered_domain(
                self._get_fulfilment_step_domain(step, trigger)
            )
            if orders:
                getattr(orders, step.action)(trigger)

    def _fulfilment_each(self, step):
        """Run step(order) for each order in its own savepoint.

        :return: {order: error} of the orders that failed; the error is None for
            an order left to another worker (lock or serialization conflict)
        """
        failures = {}
        for order in self:
            try:
                with self.env.cr.savepoint():
                    step(order)
            except CONCURRENCY_ERRORS as error:
                _logger.info(
                    "Fulfilment of %s left to another worker: %s", order, error
                )
                failures[order] = None
            # Any failure, whatever its type, becomes an exception of that order.
            except Exception as error:  # pylint: disable=broad-except
                _logger.info("Fulfilment of %s failed", order.name, exc_info=True)
                failures[order] = error
        return failures

    def _fulfilment_lock(self):
        """Lock the order rows for this transaction (SKIP LOCKED) and return the
        orders locked: not those another worker holds or changed since this
        transaction started (then they are tried one by one)."""
        if not self:
            return self
        query = (
            "SELECT id FROM sale_order WHERE id IN %s ORDER BY id "
            "FOR NO KEY UPDATE SKIP LOCKED"
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, [tuple(self.ids)])
                locked = {row[0] for row in self.env.cr.fetchall()}
        except CONCURRENCY_ERRORS:
            if len(self) == 1:
                return self.browse()
            return self.browse([order.id for order in self if order._fulfilment_lock()])
        return self.filtered(lambda o: o.id in locked)

    def _fulfilment_set_exception(self, error):
        self.ensure_one()
        reason = error.args[0] if error.args else repr(error)
        self.write(
            {"fulfilment_exception": True, "fulfilment_exception_reason": reason}
        )
        self.message_post(
            body=self.env._("Fulfilment failed: %(reason)s", reason=reason),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        activity_type = self.env.ref(EXCEPTION_ACTIVITY)
        if activity_type not in self.activity_ids.activity_type_id:
            user = (
                self.user_id or self.team_id.user_id or self.env.ref("base.user_admin")
            )
            self.activity_schedule(EXCEPTION_ACTIVITY, note=reason, user_id=user.id)

    def _fulfilment_clear_exception(self):
        orders = self.filtered("fulfilment_exception")
        if orders:
            orders.write(
                {"fulfilment_exception": False, "fulfilment_exception_reason": False}
            )
            orders.activity_feedback(
                [EXCEPTION_ACTIVITY], feedback=self.env._("Fulfilled")
            )

    # ------------------------------------------------------------------
    # Step actions: called on the orders the step's domain selected
    # ------------------------------------------------------------------

    def _get_fulfilment_invoices(self):
        return self.invoice_ids.filtered_domain(POSTED_INVOICE)

    def _fulfilment_invoice(self, _trigger):
        """Invoice what is invoiceable (ordered or delivered quantities, per
        product policy) and post it; never a credit note."""
        invoices = self._create_invoices(grouped=True, final=True)
        refunds = invoices.filtered(lambda m: m.move_type != "out_invoice")
        if refunds:
            raise UserError(
                self.env._(
                    "Invoicing %(orders)s would create a credit note: returns and "
                    "refunds are left to a person.",
                    orders=", ".join(
                        refunds.line_ids.sale_line_ids.order_id.mapped("name")
                    ),
                )
            )
        # Posting reconciles them with the orders' payments, all invoices at
        # once (account.move._post).
        invoices.action_post()

    def _fulfilment_reconcile(self, _trigger):
        self._get_fulfilment_invoices()._reconcile_order_payments()

    def _fulfilment_deliver(self, trigger):
        self._fulfilment_validate_deliveries(trigger, LOCAL_READY_DELIVERY)

    def _fulfilment_ship(self, trigger):
        self._fulfilment_validate_deliveries(trigger, CARRIER_READY_DELIVERY)

    def _fulfilment_validate_deliveries(self, trigger, domain):
        """Validate the deliveries matching domain, then do at once what a
        validated delivery calls for (invoicing delivered quantities): the
        engine runs its invoicing steps itself rather than through
        stock.picking's hook, which stock.picking._fulfilment_validate turns
        off."""
        self.picking_ids.filtered_domain(domain)._fulfilment_validate()
        follow_up = MANUAL if trigger == MANUAL else DELIVERY_VALIDATED
        self._fulfil_steps(
            follow_up,
            [s for s in self._get_fulfilment_steps() if s.phase == PHASES[0]],
        )

    def _fulfilment_send(self, _trigger):
        self._get_fulfilment_invoices()._fulfilment_send()
