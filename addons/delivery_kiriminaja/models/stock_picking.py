from odoo import fields, models
from odoo.addons.delivery_carrier_tracking.shipment_rules import is_web_url


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # An instant courier's live map of the driver (/docs/instant/tracking,
    # live_tracking_url): the delivery's tracking link while it runs.
    kiriminaja_live_url = fields.Char("Courier Live Map", copy=False, readonly=True)

    def _kiriminaja_set_live_url(self, url):
        """Keep an instant courier's live map link (a web address only)."""
        if url and is_web_url(url) and url != self.kiriminaja_live_url:
            self.kiriminaja_live_url = url

    def _kiriminaja_apply_news(self, news):
        """Record a tracking answer's news: the AWB when it arrived, a cost
        correction, the events; the proof of delivery with the delivery."""
        self.ensure_one()
        carrier = self.carrier_id
        if news["awb"] and news["awb"] not in self._tracking_numbers():
            self._tracking_set_number(news["awb"])
        if news["awb"]:
            # the AWB comes after the booking: the label with it
            self._tracking_label_when_numbered()
        if news["correction"] and news["shipping_cost"] is not None:
            # /docs/order/tracking documents costs.correction without saying
            # more: taken as what KiriminAja adds to (or takes from) the
            # booked shipping cost after re-weighing (assumption)
            rupiah = float(news["shipping_cost"]) + float(news["correction"])
            self._tracking_set_price(
                carrier._kiriminaja_to_company(rupiah, self.company_id),
                details={"correction": news["correction"]},
            )
        self._kiriminaja_set_live_url(news.get("live_url"))
        new_events = self._tracking_apply_events(
            [carrier._kiriminaja_event(event) for event in news["events"]]
        )
        if any(event.shipment_state == "delivered" for event in new_events):
            carrier._kiriminaja_proof_links(self, news["images"])
        return new_events
