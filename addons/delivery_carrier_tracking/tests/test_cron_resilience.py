from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import TrackingCommon


@tagged("post_install", "-at_install")
class TestCronResilience(TrackingCommon):
    """Bad data on one delivery never stops the scheduler for the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        france = cls.env.ref("base.fr")
        # Carriers whose rules do not match at validation: the label fails
        # and the delivery is done with its shipment "label pending".
        cls.rules = cls._create_carrier(
            "Rules Courier",
            sequence=cls.sequence,
            delivery_type="base_on_rule",
            country_ids=[(6, 0, france.ids)],
        )
        cls.old_carrier = cls._create_carrier(
            "Old Courier",
            sequence=cls.sequence,
            delivery_type="base_on_rule",
            country_ids=[(6, 0, france.ids)],
        )

    def _pending(self, carrier=None, partner=None, package=None, product=None):
        picking = self._create_picking(
            carrier=carrier or self.rules, partner=partner, product=product
        )
        if package:
            picking.move_line_ids.result_package_id = package
        self._validate(picking)
        self.assertEqual(picking.shipment_state, "label_pending")
        return picking

    def _warnings(self, picking):
        warning = self.env.ref("mail.mail_activity_data_warning")
        return picking.activity_ids.filtered(lambda a: a.activity_type_id == warning)

    def test_bad_delivery_never_blocks_the_others(self):
        good = self._pending() | self._pending()
        moved = self.customer.copy({"name": "Rina Moved"})
        lost_zip = self._pending(partner=moved)
        # weightless goods, weighed on the package at packing time
        tea = self.env["product.product"].create(
            {"name": "Loose Tea", "type": "consu", "weight": 0.0}
        )
        package = self.env["stock.quant.package"].create({"shipping_weight": 1.5})
        no_weight = self._pending(package=package, product=tea)
        archived = self._pending(carrier=self.old_carrier)
        bad = lost_zip | no_weight | archived
        gone_carrier = self._create_carrier(
            "Gone Courier",
            delivery_type="base_on_rule",
            country_ids=[(6, 0, self.env.ref("base.fr").ids)],
        )
        orphan = self._pending(carrier=gone_carrier)

        # The carriers work again; then the data goes bad after the label
        # went pending: the customer's ZIP removed, the package's weight
        # cleared, the carrier archived.
        (self.rules | self.old_carrier).country_ids = False
        moved.zip = False
        package.shipping_weight = 0.0
        self.old_carrier.active = False
        gone_carrier.unlink()
        now = fields.Datetime.now()
        orphan.tracking_next_poll_at = now - timedelta(minutes=3)
        # due, the bad ones first
        bad.tracking_next_poll_at = now - timedelta(minutes=2)
        good.tracking_next_poll_at = now - timedelta(minutes=1)
        self.assertEqual(len(self._warnings(lost_zip)), 1)  # from the validation

        self.env["stock.picking"]._cron_tracking_update()

        for picking in good:
            self.assertEqual(picking.shipment_state, "label_created")
            self.assertRegex(picking.carrier_tracking_ref, r"^TST\d{6}$")
            self.assertEqual(len(picking.tracking_label_ids), 1)
        reasons = {lost_zip: "missing Zip", no_weight: "Weight", archived: "archived"}
        for picking, reason in reasons.items():
            self.assertEqual(picking.shipment_state, "label_pending")
            self.assertFalse(picking.tracking_label_ids)
            self.assertIn(reason, picking.message_ids[0].body)

        delays = {picking: [] for picking in bad}
        for _run in range(3):
            bad.tracking_next_poll_at = fields.Datetime.now() - timedelta(minutes=1)
            self.env["stock.picking"]._cron_tracking_update()
            for picking in bad:
                delays[picking].append(
                    picking.tracking_next_poll_at - fields.Datetime.now()
                )
        for picking in bad:
            self.assertEqual(picking.shipment_state, "label_pending")
            # validation, then four scheduler runs
            self.assertEqual(picking.tracking_poll_failures, 5)
            self.assertEqual(delays[picking], sorted(delays[picking]))
            self.assertGreater(delays[picking][-1], delays[picking][0])
            warnings = self._warnings(picking)
            self.assertEqual(len(warnings), 1, picking.name)
            self.assertEqual(warnings.summary, "Shipping label pending")
        for picking in good:
            self.assertEqual(picking.tracking_poll_failures, 0)
        # without a carrier there is nothing to retry: left to a person, who
        # has the activity from the validation
        self.assertFalse(orphan.carrier_id)
        self.assertEqual(orphan.shipment_state, "label_pending")
        self.assertEqual(orphan.tracking_poll_failures, 1)
        self.assertEqual(len(self._warnings(orphan)), 1)

    def test_carrier_without_labels_any_more_backs_off(self):
        """A label pending with a carrier whose labels were turned off is not
        picked again at every run (no endless "work remaining")."""
        picking = self._pending()
        self.rules.write({"country_ids": False, "tracking_create_label": False})
        picking.tracking_next_poll_at = False
        self.env["stock.picking"]._cron_tracking_update()
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertIn("no longer creates shipments", picking.message_ids[0].body)
        self.assertGreater(picking.tracking_next_poll_at, fields.Datetime.now())
        self.assertEqual(len(self._warnings(picking)), 1)
