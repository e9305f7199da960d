import io

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import TrackingCommon, pdf_image_sizes_mm


@tagged("post_install", "-at_install")
class TestShipment(TrackingCommon):
    def test_validation_creates_number_label_and_message(self):
        picking = self._validate(self._create_picking())
        number = picking.carrier_tracking_ref
        self.assertRegex(number, r"^TST\d{6}$")
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertEqual(
            picking.carrier_tracking_url, f"https://track.example.com/t?n={number}"
        )
        labels = picking.tracking_label_ids
        self.assertEqual(labels.mapped("name"), [f"LabelShipping-fixed-{number}.pdf"])
        pages = self._pdf_pages(labels)
        self.assertEqual(len(pages), 1)
        self.assertIn(number, pages[0])
        self.assertIn("Budi Santoso", pages[0])
        self.assertIn("S-TEST", pages[0])
        bodies = " ".join(picking.message_ids.mapped("body"))
        self.assertIn(f"tracking number {number}", bodies)
        self.assertIn("Shipping label(s)", bodies)

    def test_label_printed_at_its_size(self):
        # The waybill's barcode is 85 x 20 mm on the label, also with a
        # wkhtmltopdf built on unpatched Qt (Debian's), which draws CSS
        # millimetres at 77 % unless the label corrects it.
        picking = self._validate(self._create_picking())
        reader = PdfFileReader(io.BytesIO(picking.tracking_label_ids.raw), strict=False)
        ((width, height),) = pdf_image_sizes_mm(reader, reader.pages[0])
        self.assertAlmostEqual(width, 85.0, delta=1.0)
        self.assertAlmostEqual(height, 20.0, delta=1.0)

    def test_one_label_and_number_per_package(self):
        picking = self._create_picking(qty=2.0)
        move_line = picking.move_line_ids
        move_line.quantity = 1.0
        move_line.copy({"quantity": 1.0, "move_id": move_line.move_id.id})
        Package = self.env["stock.quant.package"]
        for line in picking.move_line_ids:
            line.result_package_id = Package.create({"shipping_weight": 0.8})
        self._validate(picking)
        numbers = picking.carrier_tracking_ref.split(",")
        self.assertEqual(len(numbers), 2)
        self.assertEqual(len(picking.tracking_label_ids), 2)
        for number, label in zip(numbers, picking.tracking_label_ids, strict=True):
            pages = self._pdf_pages(label)
            self.assertEqual(len(pages), 1)
            self.assertIn(number, pages[0])
        links = picking.get_shipment_status()["tracking_links"]
        self.assertEqual([link[0] for link in links], numbers)

    def test_missing_recipient_data_blocks_before_carrier(self):
        self.customer.write({"phone": False, "zip": False, "street": False})
        next_number = self.sequence.number_next_actual
        picking = self._create_picking()
        with self.assertRaises(UserError) as error:
            picking.button_validate()
        message = str(error.exception)
        for field in ("Street", "Zip", "Phone"):
            self.assertIn(field, message)
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(self.sequence.number_next_actual, next_number)

    def test_missing_weight_is_named(self):
        self.product.weight = 0.0
        picking = self._create_picking()
        with self.assertRaisesRegex(UserError, "Weight"):
            picking.button_validate()

    def test_carrier_failure_keeps_validation_and_retries_once(self):
        # a based-on-rules carrier whose rules do not match fails in core's
        # base_on_rule_send_shipping with a ValidationError
        carrier = self._create_carrier(
            "Rules Courier",
            sequence=self.sequence,
            delivery_type="base_on_rule",
            country_ids=[(6, 0, self.env.ref("base.fr").ids)],
        )
        picking = self._validate(self._create_picking(carrier=carrier))
        self.assertEqual(picking.shipment_state, "label_pending")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(
            len(
                picking.message_ids.filtered(
                    lambda m: "no matching delivery rule" in m.body
                )
            ),
            1,
        )
        activity = picking.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(picking.tracking_poll_failures, 1)
        self.assertTrue(picking.tracking_next_poll_at)

        # not due yet: the cron leaves it alone
        self.env["stock.picking"]._cron_tracking_update()
        self.assertEqual(picking.shipment_state, "label_pending")

        carrier.country_ids = False
        picking.tracking_next_poll_at = False
        self.env["stock.picking"]._cron_tracking_update()
        self.assertEqual(picking.shipment_state, "label_created")
        number = picking.carrier_tracking_ref
        self.assertTrue(number)
        self.assertEqual(picking.tracking_poll_failures, 0)
        self.assertEqual(len(picking.tracking_label_ids), 1)

        # a second run (or a manual retry) never ships twice
        picking.tracking_next_poll_at = False
        self.env["stock.picking"]._cron_tracking_update()
        self.assertFalse(
            picking.with_context(tracking_keep_on_error=True).send_to_shipper()
        )
        self.assertEqual(picking.carrier_tracking_ref, number)
        self.assertEqual(len(picking.tracking_label_ids), 1)

    def test_carrier_without_labels_keeps_core_behaviour(self):
        carrier = self._create_carrier("Plain", tracking_create_label=False)
        picking = self._validate(self._create_picking(carrier=carrier))
        self.assertFalse(picking.shipment_state)
        self.assertFalse(picking.tracking_label_ids)

    def test_cancel_shipment(self):
        picking = self._validate(self._create_picking())
        picking.cancel_shipment()
        self.assertEqual(picking.shipment_state, "cancelled")
        self.assertFalse(picking.carrier_tracking_ref)

    def test_batch_labels_one_render(self):
        pickings = self._create_picking() | self._create_picking()
        pickings.carrier_tracking_ref = False
        for picking in pickings:
            picking.carrier_tracking_ref = f"BATCH-{picking.id}"
        self.carrier._tracking_attach_labels(pickings)
        for picking in pickings:
            pages = self._pdf_pages(picking.tracking_label_ids)
            self.assertEqual(len(pages), 1)
            self.assertIn(f"BATCH-{picking.id}", pages[0])
