from odoo import fields, models
from odoo.exceptions import UserError


class DeliveryCarrier(models.Model):
    """Amounts a provider prices or takes in its own currency (an aggregator
    in rupiah): Odoo converts at 1.0 a currency without any rate (IDR 9,000
    would become USD 9,000), so each conversion is refused first when a rate
    is missing, by one rule for every provider and the COD fees."""

    _inherit = "delivery.carrier"  # pylint: disable=consider-merging-classes-inherited

    def _tracking_currency_without_rate(self, currencies, company):
        """The first of `currencies` (other than the company's) that has no
        rate for `company`, or an empty recordset."""
        for currency in currencies - company.currency_id:
            if not self.env["res.currency.rate"].search_count(
                [
                    ("currency_id", "=", currency.id),
                    ("company_id", "in", (False, company.root_id.id)),
                ],
                limit=1,
            ):
                return currency
        return self.env["res.currency"]

    def _tracking_check_currency_rates(self, currencies, company):
        """Refuse, naming the missing rate, a conversion between
        `currencies` and the company's."""
        missing = self._tracking_currency_without_rate(currencies, company)
        if missing:
            raise UserError(
                self.env._(
                    "%(company)s has no %(missing)s exchange rate against "
                    "%(company_currency)s to convert %(provider)s amounts (Odoo "
                    "would convert them at 1:1). Add a %(missing)s rate in the "
                    "currency settings.",
                    company=company.name,
                    missing=missing.name,
                    company_currency=company.currency_id.name,
                    provider=self._tracking_provider_label(),
                )
            )

    def _tracking_convert(self, amount, from_currency, to_currency, company):
        """`amount` converted with the company's rates at today's date, once
        the rates it needs are known to exist."""
        self._tracking_check_currency_rates(from_currency | to_currency, company)
        return from_currency._convert(
            amount, to_currency, company, fields.Date.context_today(self)
        )

    def _tracking_provider_label(self):
        """The provider's name as the delivery method form shows it."""
        if not self:
            return self.env._("The carrier")
        carrier = self[:1]
        labels = dict(carrier._fields["delivery_type"]._description_selection(self.env))
        return labels.get(carrier.delivery_type, carrier.delivery_type)
