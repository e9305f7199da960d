from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools.misc import formatLang

# ZPL for a 100 x 150 mm label at 203 dpi (8 dots per mm)
ZPL_WIDTH = 800
ZPL_LENGTH = 1200


def zpl_text(value, limit=60):
    """Field data for ^FH: '_' is the hex escape of ^FH, and '^' or '~' in
    a name would start a ZPL command, so these three go hex-escaped."""
    text = " ".join(str(value or "").split())[:limit]
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


class StockPickingParcel(models.Model):
    _inherit = "stock.picking.parcel"

    def _get_label_routing_code(self):
        """The courier's routing (sorting) code printed big on the label,
        when the carrier gives one with the waybill. None here: carrier
        modules that receive one override this."""
        self.ensure_one()
        return ""

    @api.model
    def _label_print_check_access(self):
        """Printing labels needs Inventory rights: salespeople read the
        deliveries and their parcels, they do not print labels."""
        if not (self.env.su or self.env.user.has_group("stock.group_stock_user")):
            raise AccessError(
                self.env._("Printing shipping labels needs Inventory rights.")
            )

    def _label_print_values(self):
        """What each parcel's label shows, the same for the PDF and the ZPL.

        Read as superuser once the user's rights are checked: Inventory
        rights (the outbound label is the shop's document: a customer reads
        her delivery and its parcels on the portal, she does not print its
        label) and read access to the parcels and deliveries. A warehouse
        user prints labels of orders of other salespeople, and the COD amount
        comes from the sale order, which Inventory users cannot read."""
        self._label_print_check_access()
        self.check_access("read")
        self.picking_id.check_access("read")
        values = []
        for parcel in self.sudo():
            picking = parcel.picking_id
            siblings = picking.parcel_ids
            sender = (
                picking.picking_type_id.warehouse_id.partner_id
                or picking.company_id.partner_id
            )
            recipient = picking.partner_id
            courier, service = picking._get_label_courier_service()
            cod = picking._get_cod_amount_to_collect()
            currency = picking.sale_id.currency_id or picking.company_id.currency_id
            # a parcel added for an extra number has no weight of its own:
            # the delivery's weight only when it is the delivery's one parcel
            weight = parcel.weight or (
                (picking.shipping_weight or picking.weight)
                if len(siblings) == 1
                else 0.0
            )
            values.append(
                {
                    "tracking_number": parcel.tracking_number,
                    "index": siblings.ids.index(parcel.id) + 1,
                    "count": len(siblings),
                    "sender_name": sender.name or "",
                    "sender_address": ", ".join(
                        filter(None, [sender.street, sender.city, sender.zip])
                    ),
                    "sender_phone": sender.phone or sender.mobile or "",
                    "recipient_name": recipient.name or "",
                    "recipient_address": [
                        line
                        for line in (
                            recipient.street,
                            recipient.street2,
                            " ".join(
                                filter(
                                    None,
                                    [
                                        recipient.zip,
                                        recipient.city,
                                        recipient.state_id.name,
                                    ],
                                )
                            ),
                            recipient.country_id.name,
                        )
                        if line
                    ],
                    "recipient_phone": recipient.phone or recipient.mobile or "",
                    "order": picking.sale_id.name or picking.origin or "",
                    "delivery": picking.name,
                    "package": parcel.package_id.name or "",
                    "courier": courier,
                    "service": service,
                    "weight": f"{weight:.2f} {picking.weight_uom_name}"
                    if weight
                    else "",
                    "routing_code": parcel._get_label_routing_code(),
                    "cod_amount": cod,
                    "cod_text": formatLang(self.env, cod, currency_obj=currency)
                    if cod > 0
                    else "",
                }
            )
        return values

    def _label_print_zpl(self):
        """One ^XA...^XZ label per parcel: the content of the PDF label, the
        waybill as a Code128 barcode (^BC) with its text under it. UTF-8
        (^CI28) for names and addresses."""
        labels = []
        for label in self._label_print_values():
            lines = [
                "^XA",
                "^CI28",
                f"^PW{ZPL_WIDTH}",
                f"^LL{ZPL_LENGTH}",
                "^LH0,0",
                _field(30, 30, 40, f"{label['courier']} {label['service']}"),
                _field(620, 30, 40, f"{label['index']}/{label['count']}"),
                _field(30, 90, 22, "FROM"),
                _field(30, 120, 28, label["sender_name"]),
                _field(30, 155, 24, label["sender_address"], 70),
                _field(30, 185, 24, label["sender_phone"]),
                "^FO20,225^GB760,320,3^FS",
                _field(40, 240, 22, "TO"),
                _field(40, 270, 36, label["recipient_name"], 40),
            ]
            y = 320
            for address_line in label["recipient_address"][:4]:
                lines.append(_field(40, y, 28, address_line, 55))
                y += 38
            lines += [
                _field(40, 480, 30, f"Phone: {label['recipient_phone']}"),
                _field(30, 570, 28, f"Order: {label['order']}"),
                _field(30, 610, 28, f"Delivery: {label['delivery']}"),
            ]
            if label["weight"]:
                lines.append(_field(30, 650, 28, f"Weight: {label['weight']}"))
            if label["routing_code"]:
                lines.append(_field(500, 570, 80, label["routing_code"], 8))
            number = label["tracking_number"]
            # ^BC: Code128, normal orientation, 180 dots high, no text line
            # of the printer's own (the text follows, larger)
            barcode = f"^BY{_module_width(number)}^BCN,180,N,N,N"
            lines += [
                f"^FO40,720{barcode}^FH^FD{zpl_text(number)}^FS",
                _field(60, 920, 50, label["tracking_number"]),
            ]
            if label["cod_text"]:
                lines += [
                    "^FO20,1010^GB760,110,110^FS",
                    # reversed (white on the black box) like couriers' COD mark
                    _field(40, 1035, 60, f"COD {label['cod_text']}", reverse=True),
                ]
            lines.append("^XZ")
            labels.append("\n".join(lines))
        return "\n".join(labels) + "\n"


def _module_width(number):
    """Narrowest bar in dots (^BY), 3 at most: the widest that keeps the
    barcode within the label's 720 dots. Code128 B: 11 modules a character,
    plus 35 for the start, check and stop characters."""
    return max(1, min(3, 720 // (11 * len(number) + 35)))


def _field(x, y, size, value, limit=60, reverse=False):
    """A text field at (x, y) in the scalable font, `size` dots high;
    reverse: white where it crosses black (^FR)."""
    invert = "^FR" if reverse else ""
    return f"^FO{x},{y}^A0N,{size},{size}{invert}^FH^FD{zpl_text(value, limit)}^FS"
