import json
import math
from datetime import timedelta
from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..shipment_rules import POLL_INTERVAL, is_web_url

# Core's carriers without an API: this module is their "provider".
IN_HOUSE_TYPES = ("fixed", "base_on_rule")
POLL_BATCH_SIZE = 10


class DeliveryCarrier(models.Model):
    """Tracking settings, the generic dispatch to providers by delivery_type
    (like core's), safe tracking links and the booking guard. The webhook
    and the in-house provider extend delivery.carrier in their own files."""

    # mail: a carrier's own problems (refused settings) go to its chatter and
    # an activity
    _name = "delivery.carrier"
    _inherit = ("delivery.carrier", "mail.thread", "mail.activity.mixin")

    tracking_create_label = fields.Boolean(
        "Create Shipping Labels",
        help="On validation of a delivery, give it a tracking number from the "
        "sequence below (if any) and attach a printable label per package.",
    )
    tracking_sequence_id = fields.Many2one(
        "ir.sequence",
        "Tracking Number Sequence",
        help="Leave empty when the carrier hands out the waybill number at "
        "drop-off: enter it later with 'Set Tracking Number'.",
    )
    tracking_webhook_secret = fields.Char(
        "Webhook Secret",
        groups="base.group_system",
        copy=False,
        help="Shared secret of the tracking webhook: the key of its HMAC-SHA256 "
        "signature, or the value of the provider's header or bearer token.",
    )
    tracking_webhook_url = fields.Char(
        "Webhook URL", compute="_compute_tracking_webhook_url"
    )
    tracking_watch_days = fields.Integer(
        "Watch When Silent For (Days)",
        help="A shipment on its way without any event from this carrier for "
        "this many days needs a person (0: the company's number, see "
        "Inventory settings).",
    )

    # Edited by managers only: delivery.carrier is theirs to write.
    tracking_request_rate = fields.Float(
        "Provider Requests per Second",
        help="Most requests per second Odoo sends to this method's provider "
        "account, all workers and servers together (tracking polls). 0: the "
        "provider's default, within its documented limit. Methods sharing one "
        "account (e.g. one API key) share one budget, at the lowest of their "
        "rates.",
    )
    tracking_poll_interval = fields.Integer(
        "Poll When Silent For (Minutes)",
        default=int(POLL_INTERVAL.total_seconds() // 60),
        help="A shipment on its way is asked about when this carrier sent no "
        "news of it (webhook or poll) for this long, the longest silent first.",
    )

    @api.depends("delivery_type")
    def _compute_tracking_webhook_url(self):
        base_url = self.get_base_url()
        for carrier in self:
            carrier.tracking_webhook_url = (
                f"{base_url}/delivery_tracking/webhook/{carrier.id}"
                if carrier.id
                else False
            )

    @api.constrains("tracking_url")
    def _check_tracking_url(self):
        for carrier in self.filtered("tracking_url"):
            if not is_web_url(carrier.tracking_url):
                raise ValidationError(
                    self.env._(
                        "The tracking link of %(carrier)s must start with "
                        "http:// or https://.",
                        carrier=carrier.name,
                    )
                )

    @api.constrains("tracking_request_rate", "tracking_poll_interval")
    def _check_tracking_poll_settings(self):
        for carrier in self:
            if not (
                0 <= carrier.tracking_request_rate < math.inf
                and carrier.tracking_poll_interval >= 1
            ):
                raise ValidationError(
                    self.env._(
                        "%(carrier)s: the provider's requests per second cannot "
                        "be negative and the poll interval is at least one "
                        "minute.",
                        carrier=carrier.name,
                    )
                )

    # ------------------------------------------------------------------ #
    # Generic dispatch to providers (by delivery_type, like core)
    # ------------------------------------------------------------------ #

    def _tracking_provider_method(self, suffix, private=False):
        """The one lookup of a provider's hook, named after the method's
        delivery_type as core's carrier contract: ``<delivery_type>_<suffix>``,
        or with private=True ``_<delivery_type>_<suffix>`` (hooks XML-RPC must
        not reach); None when the provider has none."""
        self.ensure_one()
        prefix = "_" if private else ""
        return getattr(self, f"{prefix}{self.delivery_type}_{suffix}", None)

    def _tracking_creates_shipment(self):
        """Whether validating a delivery creates a shipment (state, labels)."""
        self.ensure_one()
        if self.delivery_type in IN_HOUSE_TYPES:
            return self.tracking_create_label
        return bool(self._tracking_provider_method("send_shipping"))

    def _tracking_can_poll(self):
        return bool(self._tracking_provider_method("tracking_update"))

    def _tracking_update(self, pickings):
        """Poll the provider; returns {picking_id: error} of failed pickings,
        the error a message or an exception (one with ``retry_after`` seconds,
        a carrier's Retry-After, is not polled again sooner). The scheduler
        passes the reserved request slots as the context's
        ``tracking_request_pacer`` (rate_budget.RequestPacer): a provider
        calls its wait() before each request and sends none when it returns
        False, and its stop(seconds) on a "too many requests" answer."""
        return self._tracking_provider_method("tracking_update")(pickings)

    def _tracking_poll_delta(self):
        if not self.tracking_poll_interval:  # no carrier
            return POLL_INTERVAL
        return timedelta(minutes=self.tracking_poll_interval)

    def _tracking_rate_account(self):
        """The provider account whose request budget this method spends: the
        provider's <delivery_type>_tracking_rate_account() (e.g. one per API
        key, shared by its methods), else the method itself."""
        self.ensure_one()
        provider = self._tracking_provider_method("tracking_rate_account")
        return provider() if provider else f"carrier:{self.id}"

    def _tracking_request_rate(self):
        """Requests per second allowed: the method's setting, else the
        provider's <delivery_type>_tracking_default_rate(), else no limit."""
        self.ensure_one()
        if self.tracking_request_rate:
            return self.tracking_request_rate
        provider = self._tracking_provider_method("tracking_default_rate")
        return (provider() if provider else 0.0) or math.inf

    def _tracking_account_rate(self):
        """Requests per second of the provider account this method spends
        (one account, one budget): the lowest _tracking_request_rate() of the
        account's active methods, so that whichever of them polls, the
        account is never asked more than its strictest setting allows."""
        self.ensure_one()
        return min(
            method._tracking_request_rate()
            for method in self._tracking_account_methods(active_only=True)
        )

    def _tracking_account_methods(self, active_only=False):
        """The methods of this one's provider account (one
        _tracking_rate_account: its budget, one webhook URL), this one
        included, as superuser; archived ones too unless active_only."""
        self.ensure_one()
        account = self._tracking_rate_account()
        methods = (
            self.sudo()
            .with_context(active_test=active_only)
            .search([("delivery_type", "=", self.delivery_type)])
        )
        return (
            methods.filtered(lambda method: method._tracking_rate_account() == account)
            | self.sudo()
        )

    def _tracking_budget_reserve(self, count, max_wait):
        """Reserve `count` requests of the account's shared budget (see
        delivery.carrier.rate.budget): seconds to wait before the first, or
        None when the account is blocked or its budget taken for longer than
        `max_wait`."""
        self.ensure_one()
        return self.env["delivery.carrier.rate.budget"]._reserve(
            self._tracking_rate_account(),
            self._tracking_account_rate(),
            count,
            max_wait,
        )

    def _tracking_budget_block(self, seconds):
        """The provider answered "too many requests" (429, Retry-After):
        nobody of this database calls its account for `seconds`."""
        self.ensure_one()
        self.env["delivery.carrier.rate.budget"]._block(
            self._tracking_rate_account(), seconds
        )

    def _tracking_poll_batch_size(self):
        """Deliveries the scheduler polls in one call to the provider (then
        commits): small, so that a slow carrier holds few rows at a time.
        A provider may choose: <delivery_type>_tracking_poll_batch_size()."""
        provider_size = self._tracking_provider_method("tracking_poll_batch_size")
        return provider_size() if provider_size else POLL_BATCH_SIZE

    def _tracking_shipment_retry_delay(self, error):
        """The least time before a failed booking is tried again, as the
        carrier's answer says (e.g. a Retry-After, or a refusal to fix
        first): the provider's <delivery_type>_shipment_retry_delay(error)
        -> timedelta, or None for the scheduler's back-off alone."""
        provider = self._tracking_provider_method("shipment_retry_delay")
        return provider(error) if provider else None

    def _tracking_method_courier_service(self):
        """(courier, service) of a method that is one courier service: its
        name (in English, the same whoever books) and no service."""
        self.ensure_one()
        return self.with_context(lang="en_US").name or "", ""

    def _tracking_booked_courier_service(self, picking):
        """(courier, service) `picking` was booked with, stored once on it
        (shipment_courier / shipment_service) for every report that groups
        deliveries by courier service. Providers that book a courier company
        and service per delivery give theirs through
        <delivery_type>_booked_courier_service(picking)."""
        provider = self._tracking_provider_method("booked_courier_service")
        courier, service = (
            provider(picking) if provider else self._tracking_method_courier_service()
        )
        return courier or "", service or ""

    def _tracking_number_set(self, picking):
        """A new tracking number was set on the delivery (webhook, poll, by
        hand): the provider's <delivery_type>_tracking_number_set(picking)
        acts on it, if it has one."""
        provider = self._tracking_provider_method("tracking_number_set")
        if provider:
            provider(picking)

    # ------------------------------------------------------------------ #
    # Safe tracking links
    # ------------------------------------------------------------------ #

    def _tracking_url(self, number):
        """The carrier's page for one number; the number is URL-encoded so it
        cannot change the link's scheme, host or query."""
        self.ensure_one()
        if not self.tracking_url:
            return False
        return self.tracking_url.strip().replace(
            "<shipmenttrackingnumber>", quote(number, safe="")
        )

    def _tracking_link_value(self, picking, url_for=None):
        """Core's carrier_tracking_url value from the delivery's parcels: one
        URL, or core's multi-tracking JSON list of [number, url] (read back
        by get_multiple_carrier_tracking) for several numbers. `url_for`:
        number -> URL (a provider's pages), by default the carrier's
        Tracking Link."""
        self.ensure_one()
        if url_for is None:
            if not self.tracking_url:
                return False
            url_for = self._tracking_url
        numbers = picking._tracking_numbers()
        if len(numbers) == 1:
            return url_for(numbers[0])
        links = [[number, url_for(number)] for number in numbers]
        return json.dumps(links) if links else False

    @api.model
    def _tracking_courier_url(self, courier_code, number):  # pylint: disable=unused-argument
        """The courier's own public page of `number`, for providers that book
        many couriers and know each by a code (jne, jnt, sicepat...: the codes
        Indonesian aggregators share); False when no courier data knows that
        courier. Courier data modules (delivery_carrier_tracking_id_couriers)
        fill it in."""
        return False

    # ------------------------------------------------------------------ #
    # One shipment per delivery: the booking guard
    # ------------------------------------------------------------------ #

    def send_shipping(self, pickings):
        """Core's entry point to <delivery_type>_send_shipping, guarded for
        providers that implement <delivery_type>_booking_lookup(picking,
        shipment_id) -> the carrier's live shipment or None, and
        <delivery_type>_booking_adopt(picking, shipment) -> the result core
        expects for that delivery. Under a per-delivery lock, a delivery whose
        shipment the carrier already accepted (journaled by the provider with
        _tracking_booking_record, even if that transaction rolled back) adopts
        it; only the others are booked."""
        self.ensure_one()
        if self.sudo().tracking_config_error:
            # nothing asked of a carrier that refused the settings
            raise UserError(
                self.env._(
                    "%(method)s waits until its settings are fixed: %(error)s",
                    method=self.name,
                    error=self.sudo().tracking_config_error,
                )
            )
        if not self._tracking_provider_method("booking_lookup"):
            return super().send_shipping(pickings)
        return self._tracking_book_once(
            pickings,
            super().send_shipping,
            self._tracking_provider_method("booking_adopt"),
        )

    def _tracking_book_once(self, pickings, book, adopt):
        """The booking guard: under each picking's booking lock, a picking
        whose shipment the carrier already accepted (journaled with
        _tracking_booking_record, even if that transaction rolled back) gets
        adopt(picking, shipment); book(others) books the others. Returns
        their results in the order of `pickings`. Shipping (send_shipping)
        and return labels (a provider's <delivery_type>_get_return_label)
        go through it alike.

        :param book: pickings -> list of results, one per picking
        :param adopt: (picking, the carrier's shipment) -> result
        """
        lookup = self._tracking_provider_method("booking_lookup")
        journal = self.env["delivery.carrier.booking"]
        results, to_book = {}, pickings.browse()
        for picking in pickings:
            shipment = journal._live_shipment(self, picking, lookup)
            if shipment is None:
                to_book |= picking
            else:
                results[picking.id] = adopt(picking, shipment)
        if to_book:
            booked = book(to_book)
            results.update(zip(to_book.ids, booked, strict=True))
        return [results[picking.id] for picking in pickings]

    def _tracking_booking_record(self, picking, shipment_id, reference=False):
        """For providers: call right after the carrier accepted a shipment, before
        anything else can fail. Journals it in its own committed transaction."""
        self.ensure_one()
        self.env["delivery.carrier.booking"]._record(
            self, picking, shipment_id, reference
        )
