from odoo import fields, models
from odoo.exceptions import UserError

from ..biteship import BiteshipError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The Biteship service chosen for the order's rate-shopping method: booked
    # at validation instead of the method's fixed courier.
    biteship_courier_company = fields.Char(
        "Biteship Courier", copy=False, readonly=True
    )
    biteship_courier_type = fields.Char(
        "Biteship Courier Service Code", copy=False, readonly=True
    )
    biteship_service_name = fields.Char("Courier Service", copy=False, readonly=True)
    biteship_service_duration = fields.Char(
        "Courier Delivery Time", copy=False, readonly=True
    )
    biteship_service_price = fields.Float(
        "Courier Price (IDR)",
        copy=False,
        readonly=True,
        help="Biteship's price of the chosen service, in rupiah.",
    )

    def set_delivery_line(self, carrier, amount):
        # Every way of setting the delivery (checkout, the back office's
        # "Add shipping", address changes) records the service it was priced
        # with, before core writes the line that names it.
        for order in self:
            order._biteship_record_service(carrier)
        return super().set_delivery_line(carrier, amount)

    def _biteship_record_service(self, carrier):
        self.ensure_one()
        vals = dict.fromkeys(
            (
                "biteship_courier_company",
                "biteship_courier_type",
                "biteship_service_name",
                "biteship_service_duration",
            ),
            False,
        )
        vals["biteship_service_price"] = 0.0
        if carrier.delivery_type == "biteship" and carrier.checkout_rate_shopping:
            try:
                options = carrier._biteship_rate_options(self)
            except (BiteshipError, UserError):
                return  # the line's price came from these rates: keep the choice
            if options:
                option = carrier._biteship_pick_option(self, options)
                vals.update(
                    biteship_courier_company=option["company"],
                    biteship_courier_type=option["service"],
                    biteship_service_name=(
                        f"{option['courier_name']} {option['service_name']}"
                    ),
                    biteship_service_duration=option["duration"],
                    biteship_service_price=option["price"],
                )
        if any(self[name] != value for name, value in vals.items()):
            self.sudo().write(vals)

    def _prepare_delivery_line_vals(self, carrier, price_unit):
        vals = super()._prepare_delivery_line_vals(carrier, price_unit)
        if carrier.delivery_type == "biteship" and self.biteship_service_name:
            # name the service on the line (cart, quotation, invoice, portal)
            first, *rest = vals["name"].split("\n")
            service = self.biteship_service_name
            if self.biteship_service_duration:
                service = f"{service}, {self.biteship_service_duration}"
            vals["name"] = "\n".join([f"{first} ({service})", *rest])
        return vals
