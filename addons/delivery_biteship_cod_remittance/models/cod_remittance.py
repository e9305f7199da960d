from odoo import api, models

from ..biteship_export import BITESHIP_EXPORT


class CodRemittance(models.Model):
    _inherit = "cod.remittance"

    @api.model
    def _cod_remittance_formats(self):
        """Biteship's COD export is read beside the generic layout."""
        return [*super()._cod_remittance_formats(), BITESHIP_EXPORT]
