from odoo import models
from odoo.exceptions import UserError

from ..label_formats import DEFAULT_LABEL_FORMAT, LABELS_REPORT_ACTION

# Deliveries named in the "no tracking number" message; the rest are counted.
MISSING_NAMES_SHOWN = 20


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _get_label_print_format(self):
        """The label sheet of this delivery: its carrier's, else its
        warehouse's, else 10 x 15 cm."""
        self.ensure_one()
        return (
            self.carrier_id.label_print_format
            or self.picking_type_id.warehouse_id.label_print_format
            or DEFAULT_LABEL_FORMAT
        )

    def _label_print_split(self):
        """(printable, missing): deliveries whose parcels all have a tracking
        number, and the others. Printing never asks a carrier nor a sequence
        for a number: labels show the numbers the deliveries already have."""
        self.env["stock.picking.parcel"]._label_print_check_access()
        # a number set before parcels existed (SQL, an older version): make
        # its parcels, as the tracking module does wherever it reads them
        self.filtered(
            lambda p: p.carrier_tracking_ref and not p.parcel_ids
        )._tracking_ensure_parcels()
        printable = self.filtered(
            lambda p: p.parcel_ids and all(p.parcel_ids.mapped("tracking_number"))
        )
        return printable, self - printable

    def _label_print_missing_message(self):
        names = self.mapped("name")
        shown = ", ".join(names[:MISSING_NAMES_SHOWN])
        if len(names) > MISSING_NAMES_SHOWN:
            shown = self.env._(
                "%(names)s and %(count)s more",
                names=shown,
                count=len(names) - MISSING_NAMES_SHOWN,
            )
        return self.env._(
            "No label for these deliveries, they have no tracking number yet: "
            "%(names)s. Send them to the shipper or set their tracking number, "
            "then print again.",
            names=shown,
        )

    def _label_print_parcels(self):
        """The parcels to print, in the order of the deliveries; a UserError
        naming the deliveries without a tracking number."""
        printable, missing = self._label_print_split()
        if missing:
            raise UserError(missing._label_print_missing_message())
        return printable.parcel_ids

    def _label_print_action(self, action_for):
        """The action printing the labels of the deliveries that have a
        number; those without one are named in a sticky warning shown with
        it (all of them missing: an error, there is nothing to print)."""
        printable, missing = self._label_print_split()
        if not printable:
            raise UserError(missing._label_print_missing_message())
        action = action_for(printable)
        if not missing:
            return action
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("Some labels were not printed"),
                "message": missing._label_print_missing_message(),
                "next": action,
            },
        }

    def action_print_shipping_labels(self):
        """One PDF with the label of every parcel of these deliveries."""
        return self._label_print_action(
            # data={}: core's default None cannot go through XML-RPC
            lambda pickings: self.env.ref(LABELS_REPORT_ACTION).report_action(
                pickings, data={}, config=False
            )
        )

    def action_print_shipping_labels_zpl(self):
        """The same labels as a ZPL file, for Zebra-type thermal printers."""
        return self._label_print_action(
            lambda pickings: {
                "type": "ir.actions.act_url",
                "url": "/delivery_label_print/zpl/"
                + ",".join(str(picking_id) for picking_id in pickings.ids),
                "target": "download",
            }
        )

    def _label_print_zpl(self):
        """The ZPL document of these deliveries' labels (text)."""
        return self._label_print_parcels()._label_print_zpl()
