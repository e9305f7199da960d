from odoo import models


class StockPickingBatch(models.Model):
    _inherit = "stock.picking.batch"

    def action_print_shipping_labels(self):
        """Every parcel label of the batch's deliveries in one PDF."""
        return self.picking_ids.action_print_shipping_labels()

    def action_print_shipping_labels_zpl(self):
        """The same labels as a ZPL file for Zebra-type printers."""
        return self.picking_ids.action_print_shipping_labels_zpl()
