from odoo import fields, models
from odoo.exceptions import UserError

from ..kiriminaja import KiriminAjaError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The KiriminAja service priced for the order's method ("jne:REG23"):
    # the customer's choice in rate shopping, booked instead of the method's.
    kiriminaja_service_code = fields.Char(
        "KiriminAja Service", copy=False, readonly=True
    )

    def set_delivery_line(self, carrier, amount):
        # Every way of setting the delivery (checkout, "Add shipping", an
        # address change) records the service it was priced with.
        for order in self:
            order._kiriminaja_record_service(carrier)
        return super().set_delivery_line(carrier, amount)

    def _kiriminaja_record_service(self, carrier):
        self.ensure_one()
        code = False
        if carrier.delivery_type == "kiriminaja":
            try:
                service = carrier._kiriminaja_priced_service(self)
            except (KiriminAjaError, UserError):
                return  # the line's price came from these rates: keep the choice
            code = service and service["code"]
        if self.kiriminaja_service_code != code:
            self.sudo().kiriminaja_service_code = code
