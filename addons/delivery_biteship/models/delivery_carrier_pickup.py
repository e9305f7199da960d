from odoo import models


class DeliveryCarrier(models.Model):
    """Courier pickups (delivery_carrier_tracking's delivery.pickup) for
    Biteship. Biteship has no pickup call of its own: creating the order
    with origin_collection_method "pickup" is the request for the courier
    to come, "drop_off" means the shop takes the parcels to the courier's
    agent (https://biteship.com/id/docs/api/orders/create). So the generic
    scheduling books nothing more (no <type>_schedule_pickup) and the
    windows say which of the two the parcels were booked with."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def biteship_pickup_windows(self, pickings):
        """The cut-off windows, named after the way the warehouse's orders
        are collected (the origin_collection_method they were booked with):
        the courier's pickup or the shop's drop-off."""
        warehouse = pickings[:1].picking_type_id.warehouse_id
        label = self._biteship_collection_label(warehouse)
        return [
            dict(window, label=label)
            for window in self._pickup_default_windows(pickings)
        ]
