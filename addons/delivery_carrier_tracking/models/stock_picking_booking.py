from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..shipment_rules import tracking_backoff


class _ShipmentError(Exception):
    """Carries the carrier's shipment id out of a rolled-back savepoint."""

    def __init__(self, error, carrier_shipment_id):
        super().__init__(str(error))
        self.error = error
        self.carrier_shipment_id = carrier_shipment_id


class StockPicking(models.Model):
    """Shipment creation at validation (core: send_to_shipper), once per
    delivery, and its cancellation; a carrier failure leaves the delivery
    validated with its label pending, retried by the scheduler."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _send_confirmation_email(self):
        # Core calls send_to_shipper() from here; the context asks it to keep
        # the validation when the carrier fails (shipment left "label pending").
        return super(
            StockPicking, self.with_context(tracking_keep_on_error=True)
        )._send_confirmation_email()

    def _tracking_check_shipping_data(self):
        """Raise a UserError naming every missing field before any carrier call."""
        self.ensure_one()
        partner = self.partner_id
        missing = []
        if not partner:
            missing.append(self.env._("recipient"))
        else:
            for fname in ("street", "city", "zip"):
                if not partner[fname]:
                    missing.append(
                        partner._fields[fname].get_description(self.env)["string"]
                    )
            if not (partner.phone or partner.mobile):
                missing.append(self.env._("Phone"))
        if not (self.shipping_weight or self.weight):
            missing.append(self.env._("Weight"))
        if missing:
            raise UserError(
                self.env._(
                    "Delivery %(picking)s cannot be shipped with %(carrier)s: "
                    "missing %(fields)s.",
                    picking=self.name,
                    carrier=self.carrier_id.name,
                    fields=", ".join(missing),
                )
            )

    def _tracking_check_carrier_call(self, action):
        """Refuse to book or cancel a shipment that the delivery form would not
        offer (buttons, XML-RPC): only Inventory users, only on done deliveries
        that are not receipts; a return receipt's pickup (its return label)
        is cancelled while the return waits. Core's call at validation (in _action_done,
        possibly before the picking's state says done) and the retry cron run
        as superuser, which no RPC call can: they are not checked.

        :param str action: 'send' or 'cancel', for the message
        """
        if self.env.su:
            return
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._(
                    "Only Inventory users may send deliveries to the carrier or "
                    "cancel their shipments (%(pickings)s).",
                    pickings=", ".join(self.mapped("name")),
                )
            )
        self.check_access("write")
        for picking in self:
            reason = False
            # a return receipt's pickup is cancelled before the parcel comes
            return_pickup = action == "cancel" and picking._tracking_is_return()
            if return_pickup and picking.state in ("done", "cancel"):
                reason = self.env._("the return is already received or cancelled")
            elif not return_pickup and picking.state != "done":
                reason = self.env._("it is not done yet")
            elif not return_pickup and picking.picking_type_code == "incoming":
                reason = self.env._("it is a receipt")
            elif not picking.carrier_id:
                reason = self.env._("it has no shipping method")
            elif action == "cancel" and not (
                picking.carrier_tracking_ref or picking.carrier_shipment_id
            ):
                reason = self.env._("it has no shipment with the carrier")
            if not reason:
                continue
            if action == "cancel":
                message = self.env._(
                    "The shipment of delivery %(picking)s cannot be cancelled: "
                    "%(reason)s.",
                    picking=picking.name,
                    reason=reason,
                )
            else:
                message = self.env._(
                    "Delivery %(picking)s cannot be sent to the carrier: %(reason)s.",
                    picking=picking.name,
                    reason=reason,
                )
            raise UserError(message)

    def send_to_shipper(self):
        """Core's, once per shipment; returns True (core's returns None, which
        XML-RPC cannot send) or False when nothing was booked."""
        self.ensure_one()
        self._tracking_check_carrier_call("send")
        if not self.carrier_id._tracking_creates_shipment():
            res = super().send_to_shipper()
            return True if res is None else res
        self._tracking_lock()
        if self.shipment_state and self.shipment_state != "label_pending":
            return False  # already shipped: retries are no-ops
        self._tracking_check_shipping_data()
        if not self.env.context.get("tracking_keep_on_error"):
            super().send_to_shipper()
            self._tracking_shipment_created()
            return True
        try:
            with self.env.cr.savepoint():
                try:
                    super().send_to_shipper()
                # UserError: what providers raise for refusals and carrier
                # failures; OSError: transport failures they let through
                # (requests' errors are OSErrors), without importing requests
                except (UserError, OSError) as error:
                    # read before the savepoint rolls the write back
                    raise _ShipmentError(error, self.carrier_shipment_id) from error
        except _ShipmentError as failure:
            self._tracking_shipment_failed(failure.error, failure.carrier_shipment_id)
            return False
        self._tracking_shipment_created()
        return True

    def _tracking_shipment_created(self):
        self.ensure_one()
        vals = {
            "tracking_poll_failures": 0,
            "tracking_next_poll_at": fields.Datetime.now()
            + self.carrier_id._tracking_poll_delta(),
        }
        # only from no state: a state written on the delivery is all parcels'
        if self.shipment_state in (False, "label_pending"):
            vals["shipment_state"] = "label_created"
        self.write(vals)
        self._tracking_stamp_courier_service()

    def _tracking_stamp_courier_service(self):
        """Store the courier and service the delivery was booked with, once:
        the one place the freight audit, the scorecard and other reports
        read them from."""
        for picking in self.filtered(lambda p: p.carrier_id and not p.shipment_courier):
            # what was booked is a fact of the shop, whoever validated (a
            # warehouse user may not read the sale order)
            courier, service = (
                picking.sudo().carrier_id._tracking_booked_courier_service(
                    picking.sudo()
                )
            )
            picking.write(
                {
                    "shipment_courier": courier or False,
                    "shipment_service": service or False,
                }
            )

    def _tracking_shipment_failed(self, error, carrier_shipment_id=False):
        """The booking failed: label pending, retried by the scheduler after
        the back-off, or later when the carrier's answer says so (its
        provider's <delivery_type>_shipment_retry_delay). A refusal of the
        method's own settings (<delivery_type>_configuration_error) is the
        method's: the delivery waits for them, not retried meanwhile (see
        delivery_carrier_configuration)."""
        self.ensure_one()
        carrier = self.carrier_id
        refused = carrier and carrier._tracking_configuration_error(error)
        if refused:
            carrier._tracking_config_failed(refused)
        if carrier.sudo().tracking_config_error:
            self._tracking_shipment_waits(carrier_shipment_id)
            return
        failures = self.tracking_poll_failures + 1
        delay = tracking_backoff(failures)
        if self.carrier_id:
            delay = max(
                delay, self.carrier_id._tracking_shipment_retry_delay(error) or delay
            )
        vals = {
            "shipment_state": "label_pending",
            "tracking_poll_failures": failures,
            "tracking_next_poll_at": fields.Datetime.now() + delay,
        }
        if carrier_shipment_id:
            vals["carrier_shipment_id"] = carrier_shipment_id
        self.write(vals)
        self._tracking_warn_once(
            lambda env: env._("Shipping label pending"),
            str(error),
            message=self.env._(
                "The shipment could not be created with %(carrier)s; it will be "
                "retried automatically. Error: %(error)s",
                carrier=self.carrier_id.name,
                error=str(error),
            ),
        )

    def _tracking_shipment_waits(self, carrier_shipment_id=False):
        """Label pending until the method's settings are fixed, then due at
        once (no next attempt: the scheduler skips only methods whose
        settings are refused); the method's one activity, not one per
        delivery, asks for the fix."""
        vals = {"shipment_state": "label_pending", "tracking_next_poll_at": False}
        if carrier_shipment_id:
            vals["carrier_shipment_id"] = carrier_shipment_id
        self.write(vals)
        self.message_post(
            body=self.env._(
                "The shipment waits until the settings of %(carrier)s are fixed "
                "(the carrier refused them); it is sent as soon as they are "
                "saved again. %(error)s",
                carrier=self.carrier_id.name,
                error=self.carrier_id.sudo().tracking_config_error,
            ),
            message_type="notification",
        )

    def cancel_shipment(self):
        self._tracking_check_carrier_call("cancel")
        res = super().cancel_shipment()
        self.filtered("shipment_state").write(
            {"shipment_state": "cancelled", "carrier_shipment_id": False}
        )
        # core returns None, which XML-RPC cannot send
        return True if res is None else res
