import base64
import io
import re
from unittest.mock import patch

from odoo.addons.delivery_carrier_tracking.tests.common import (
    TrackingCommon,
    pdf_image_sizes_mm,
)
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import PdfFileReader
from PIL import Image

from ..barcodes import code128_png
from ..label_formats import FORMAT_REPORTS, LABELS_REPORT, LABELS_REPORT_ACTION
from ..models.ir_actions_report import FAST_LABELS
from ..pdf_words import poppler

MM = 72 / 25.4  # PDF points per millimetre


@tagged("post_install", "-at_install")
class TestLabelPrint(TrackingCommon):
    """Bulk labels rendered by the real wkhtmltopdf (HttpCase: it loads the
    report CSS from the test server), read back from the PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.write({"name": "Toko Batik", "phone": "021 555 01"})
        cls.warehouse.partner_id = cls.env.company.partner_id

    def _shipped(self, numbers, carrier=None, partner=None):
        """A delivery whose parcels have these tracking numbers (one parcel
        per number, as a carrier booking several packages gives them)."""
        picking = self._create_picking(carrier=carrier, partner=partner)
        if numbers:
            picking.carrier_tracking_ref = numbers
        return picking

    def _render(self, pickings, user=None):
        report = self.env["ir.actions.report"]
        if user:
            report = report.with_user(user)
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            LABELS_REPORT_ACTION, pickings.ids
        )
        self.assertEqual(kind, "pdf")
        return PdfFileReader(io.BytesIO(pdf), strict=False)

    @staticmethod
    def _texts(reader):
        # wkhtmltopdf separates words with tabs
        return [" ".join(page.extract_text().split()) for page in reader.pages]

    def _size_mm(self, page):
        box = page.mediabox
        return round(float(box.width) / MM), round(float(box.height) / MM)

    @staticmethod
    def _images(page):
        xobjects = page["/Resources"].get("/XObject") or {}
        return [
            name
            for name, ref in xobjects.items()
            if ref.get_object()["/Subtype"] == "/Image"
        ]

    @staticmethod
    def _bars(png):
        """Dark and light across the middle row of a barcode image (the
        anti-aliased grey differs from one drawing to the next)."""
        image = Image.open(io.BytesIO(png)).convert("L")
        width, height = image.size
        return bytes(int(image.getpixel((x, height // 2)) < 128) for x in range(width))

    # ------------------------------------------------------------------ #
    # PDF
    # ------------------------------------------------------------------ #

    def test_pdf_10x15_one_label_per_parcel(self):
        first = self._shipped("JNE1001,JNE1002")
        second = self._shipped("JNE2001")
        pickings = first | second
        action = pickings.action_print_shipping_labels()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], LABELS_REPORT)
        self.assertEqual(action["context"]["active_ids"], pickings.ids)

        reader = self._render(pickings)
        self.assertEqual(len(reader.pages), 3)
        for page in reader.pages:
            self.assertEqual(self._size_mm(page), (100, 150))
            self.assertTrue(self._images(page), "the waybill barcode image")
        texts = self._texts(reader)
        for text, number, position in zip(
            texts, ["JNE1001", "JNE1002", "JNE2001"], ["1/2", "2/2", "1/1"], strict=True
        ):
            self.assertIn(number, text)
            self.assertIn(position, text)
            self.assertIn("Toko Batik", text)  # sender
            self.assertIn("021 555 01", text)
            self.assertIn("Budi Santoso", text)  # recipient and phone
            self.assertIn("+62 812 0000 1111", text)
            self.assertIn("40111 Bandung", text)
            self.assertIn("S-TEST", text)  # order reference
            self.assertIn("Test Courier", text)
            self.assertNotIn("COD", text)
        self.assertIn(first.name, texts[0])
        self.assertIn(second.name, texts[2])
        # the delivery's weight on its one parcel, or on the parcel made from
        # its packages; none on a parcel added for an extra number
        self.assertIn(f"Weight {second.weight:.2f} {second.weight_uom_name}", texts[2])
        self.assertIn(f"Weight {first.weight:.2f} {first.weight_uom_name}", texts[0])
        self.assertNotIn("Weight", texts[1])

    def test_barcode_is_code128_of_the_waybill(self):
        picking = self._shipped("JNE-77/01")
        html, kind = self.env["ir.actions.report"]._render_qweb_html(
            "delivery_carrier_tracking_label_print.action_report_labels_10x15",
            picking.parcel_ids.ids,
        )
        self.assertEqual(kind, "html")
        sources = re.findall(rb'src="data:image/png;base64,([^"]+)"', html)
        self.assertEqual(len(sources), 1)
        expected = self.env["ir.actions.report"].barcode(
            "Code128", "JNE-77/01", width=600, height=120
        )
        self.assertEqual(self._bars(base64.b64decode(sources[0])), self._bars(expected))
        other = self.env["ir.actions.report"].barcode(
            "Code128", "JNE-77/02", width=600, height=120
        )
        self.assertNotEqual(self._bars(expected), self._bars(other))

    def test_pdf_a4_four_labels_per_page(self):
        self.warehouse.label_print_format = "a4"
        pickings = self._shipped("A1,A2,A3") | self._shipped("B1,B2")
        reader = self._render(pickings)
        self.assertEqual(len(reader.pages), 2)
        for page in reader.pages:
            self.assertEqual(self._size_mm(page), (210, 297))
        texts = self._texts(reader)
        for number in ("A1", "A2", "A3", "B1"):
            self.assertRegex(texts[0], rf"\b{number}\b")
        self.assertRegex(texts[1], r"\bB2\b")
        self.assertEqual(len(self._images(reader.pages[0])), 4)
        self.assertEqual(len(self._images(reader.pages[1])), 1)

    def test_labels_printed_at_their_size(self):
        # The barcode is 80 x 18 mm on both sheets, whatever wkhtmltopdf
        # build draws them (Debian's, on unpatched Qt, shrinks to 77 %).
        pickings = self._shipped("S1") | self._shipped("S2")
        for sheet in (False, "a4"):
            self.warehouse.label_print_format = sheet
            reader = self._render(pickings)
            sizes = pdf_image_sizes_mm(reader, reader.pages[0])
            self.assertEqual(len(sizes), 1 if not sheet else 2, sheet)
            for width, height in sizes:
                self.assertAlmostEqual(width, 80.0, delta=1.0, msg=sheet)
                self.assertAlmostEqual(height, 18.0, delta=1.0, msg=sheet)

    def test_format_carrier_wins_then_warehouse_then_10x15(self):
        picking = self._shipped("F1")
        self.assertEqual(picking._get_label_print_format(), "10x15")
        self.warehouse.label_print_format = "a4"
        self.assertEqual(picking._get_label_print_format(), "a4")
        self.carrier.label_print_format = "10x15"
        self.assertEqual(picking._get_label_print_format(), "10x15")

    def test_mixed_formats_one_pdf(self):
        a4_carrier = self._create_carrier("A4 Courier", label_print_format="a4")
        pickings = self._shipped("M1", carrier=a4_carrier) | self._shipped("M2")
        reader = self._render(pickings)
        sizes = [self._size_mm(page) for page in reader.pages]
        self.assertEqual(sorted(sizes), [(100, 150), (210, 297)])
        texts = self._texts(reader)
        self.assertIn("A4 Courier", texts[sizes.index((210, 297))])
        self.assertIn("M2", texts[sizes.index((100, 150))])

    def test_cod_amount_and_routing_code(self):
        cod_picking = self._shipped("COD1")
        prepaid = self._shipped("PAID1")
        Picking = type(self.env["stock.picking"])
        Parcel = type(self.env["stock.picking.parcel"])

        # the hooks as a cash-on-delivery module and a carrier module fill them
        def cod(picking):
            return 150000.0 if picking == cod_picking else 0.0

        def routing(parcel):
            return "CGK-01" if parcel.picking_id == cod_picking else ""

        with (
            patch.object(Picking, "_get_cod_amount_to_collect", cod),
            patch.object(Parcel, "_get_label_routing_code", routing),
        ):
            texts = self._texts(self._render(cod_picking | prepaid))
            zpl = (cod_picking | prepaid)._label_print_zpl()
        self.assertIn("COD - collect", texts[0])
        self.assertIn("150,000.00", texts[0])
        self.assertIn("CGK-01", texts[0])
        self.assertNotIn("COD - collect", texts[1])
        self.assertNotIn("CGK-01", texts[1])
        first, second = zpl.split("^XZ")[:2]
        self.assertIn("^FR^FH^FDCOD ", first)
        self.assertIn("150,000.00", first)
        self.assertIn("^FDCGK-01^FS", first)
        self.assertNotIn("COD", second)

    # ------------------------------------------------------------------ #
    # ZPL
    # ------------------------------------------------------------------ #

    def test_zpl_structure(self):
        strange = self.customer.copy({"name": "Toko ^Maju~ _Jaya"})
        pickings = self._shipped("Z1,Z2") | self._shipped("Z3", partner=strange)
        zpl = pickings._label_print_zpl()
        blocks = re.findall(r"\^XA\n(.*?)\n\^XZ", zpl, re.DOTALL)
        self.assertEqual(len(blocks), 3)
        self.assertEqual(zpl.count("^XA"), 3)
        self.assertEqual(zpl.count("^XZ"), 3)
        for block, number, position in zip(
            blocks, ["Z1", "Z2", "Z3"], ["1/2", "2/2", "1/1"], strict=True
        ):
            commands = block.split("\n")
            self.assertEqual(commands[:4], ["^CI28", "^PW800", "^LL1200", "^LH0,0"])
            barcodes = [c for c in commands if "^BC" in c]
            self.assertEqual(len(barcodes), 1)
            self.assertRegex(barcodes[0], rf"\^BY3\^BCN,\d+,N,N,N\^FH\^FD{number}\^FS$")
            self.assertIn(f"^FD{number}^FS", block.replace(barcodes[0], ""))
            self.assertIn(f"^FD{position}^FS", block)
            self.assertIn("^FDTest Courier^FS", block)
            self.assertIn("^FDToko Batik^FS", block)
            self.assertIn("^FDPhone: +62 812 0000 1111^FS", block)
            self.assertIn("^FDOrder: S-TEST^FS", block)
            # one command per line, each field closed: no data ends early
            for command in commands:
                self.assertTrue(command.startswith("^"), command)
                if "^FD" in command:
                    self.assertEqual(command.count("^FD"), 1, command)
                    self.assertTrue(command.endswith("^FS"), command)
        # ^ and ~ in data would be commands: hex-escaped for ^FH
        self.assertIn("^FDToko _5EMaju_7E _5FJaya^FS", blocks[2])
        for block in blocks:
            for data in re.findall(r"\^FD(.*?)\^FS", block):
                self.assertNotIn("~", data)

    def test_zpl_download_as_warehouse_user(self):
        user = self._warehouse_user()
        pickings = self._shipped("W1") | self._shipped("")
        action = pickings.with_user(user).action_print_shipping_labels_zpl()
        self.assertEqual(action["tag"], "display_notification")
        download = action["params"]["next"]
        self.assertEqual(download["type"], "ir.actions.act_url")
        self.assertEqual(download["url"], f"/delivery_label_print/zpl/{pickings[0].id}")
        self.authenticate(user.login, user.login)
        response = self.url_open(download["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("shipping-labels.zpl", response.headers["Content-Disposition"])
        self.assertEqual(response.text, pickings[0]._label_print_zpl())
        self.assertEqual(response.text.count("^XA"), 1)

    # ------------------------------------------------------------------ #
    # Deliveries without a number, printing twice
    # ------------------------------------------------------------------ #

    def test_missing_numbers_are_named(self):
        numbered = self._shipped("N1")
        no_number = self._shipped("")
        also_missing = self._shipped("")
        also_missing.carrier_id = False
        pickings = numbered | no_number | also_missing
        action = pickings.action_print_shipping_labels()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(action["params"]["sticky"])
        message = action["params"]["message"]
        self.assertIn(no_number.name, message)
        self.assertIn(also_missing.name, message)
        self.assertNotIn(numbered.name, message)
        self.assertEqual(
            action["params"]["next"]["context"]["active_ids"], numbered.ids
        )

        with self.assertRaises(UserError) as error:
            (no_number | also_missing).action_print_shipping_labels()
        self.assertIn(no_number.name, str(error.exception))
        self.assertIn(also_missing.name, str(error.exception))
        # the report itself, called without the action, refuses them too
        with self.assertRaises(UserError) as error:
            self._render(pickings)
        self.assertIn(no_number.name, str(error.exception))

    def test_printing_twice_gives_the_same_labels(self):
        pickings = self._shipped("T1,T2") | self._shipped("T3")
        numbers = pickings.parcel_ids.mapped("tracking_number")
        sequence_next = self.sequence.number_next_actual
        attachment_domain = [
            ("res_model", "in", ["stock.picking", "stock.picking.parcel"])
        ]
        attachments = self.env["ir.attachment"].search_count(attachment_domain)
        messages = self.env["mail.message"].search_count([])
        first = self._texts(self._render(pickings))
        zpl = pickings._label_print_zpl()
        second = self._texts(self._render(pickings))
        self.assertEqual(first, second)
        self.assertEqual(zpl, pickings._label_print_zpl())
        self.assertEqual(pickings.parcel_ids.mapped("tracking_number"), numbers)
        self.assertEqual(self.sequence.number_next_actual, sequence_next)
        self.assertFalse(any(pickings.mapped("carrier_shipment_id")))
        self.assertEqual(
            self.env["ir.attachment"].search_count(attachment_domain), attachments
        )
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    # ------------------------------------------------------------------ #
    # Roles and batch transfers
    # ------------------------------------------------------------------ #

    def _warehouse_user(self):
        user = new_test_user(
            self.env,
            login="label_printer",
            groups="stock.group_stock_user",
            name="Warehouse Clerk",
        )
        self.assertFalse(user.has_group("sales_team.group_sale_salesman"))
        return user

    def test_warehouse_user_prints_from_the_print_menu(self):
        """A clerk without Sales rights prints the labels of a web order
        (the order reference comes from a sale order the clerk cannot read)."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "WH01"})
        user = self._warehouse_user()
        server_action = self.env.ref(
            "delivery_carrier_tracking_label_print.action_server_print_shipping_labels"
        )
        action = (
            server_action.with_user(user)
            .with_context(active_model="stock.picking", active_ids=picking.ids)
            .run()
        )
        self.assertEqual(action["report_name"], LABELS_REPORT)
        texts = self._texts(self._render(picking, user=user))
        self.assertEqual(len(texts), 1)
        self.assertIn(order.name, texts[0])
        self.assertIn("WH01", texts[0])
        # the report route of the client, as the clerk (HTML in test mode)
        self.authenticate(user.login, user.login)
        response = self.url_open(f"/report/pdf/{LABELS_REPORT}/{picking.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"WH01", response.content)

    def test_customer_does_not_print_her_label(self):
        """The portal customer reads her delivery and its parcels, but the
        label is the shop's: no sheet, no ZPL, by method or by URL."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.write({"carrier_id": self.carrier.id, "carrier_tracking_ref": "CU01"})
        customer = new_test_user(
            self.env,
            "label_customer",
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        mine = picking.with_user(customer)
        self.assertEqual(mine.parcel_ids.tracking_number, "CU01")  # she reads it
        with self.assertRaises(AccessError):
            mine._label_print_zpl()
        with self.assertRaises(AccessError):
            mine.parcel_ids._label_print_values()
        sheet = "delivery_carrier_tracking_label_print.labels_10x15"
        self.authenticate(customer.login, customer.login)
        for url in (
            f"/delivery_label_print/zpl/{picking.id}",
            f"/report/pdf/{LABELS_REPORT}/{picking.id}",
            f"/report/html/{sheet}/{picking.parcel_ids.id}",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn("CU01", response.text, url)
            self.assertNotIn("^XA", response.text, url)

    def test_xmlrpc_as_warehouse_user(self):
        """The print methods answer over XML-RPC (no None in the actions)."""
        user = self._warehouse_user()
        numbered = self._shipped("RPC1")
        missing = self._shipped("")
        uid, db = user.id, self.env.cr.dbname
        for method in (
            "action_print_shipping_labels",
            "action_print_shipping_labels_zpl",
        ):
            action = self.xmlrpc_object.execute_kw(
                db, uid, user.login, "stock.picking", method, [(numbered | missing).ids]
            )
            self.assertEqual(action["tag"], "display_notification")
            self.assertIn(missing.name, action["params"]["message"])
        report = self.xmlrpc_object.execute_kw(
            db,
            uid,
            user.login,
            "stock.picking",
            "action_print_shipping_labels",
            [numbered.ids],
        )
        self.assertEqual(report["report_name"], LABELS_REPORT)
        self.assertEqual(report["context"]["active_ids"], numbered.ids)

    def test_zpl_long_waybill_fits(self):
        """Long numbers get narrower bars (^BY), within the label."""
        short, long_ = self._shipped("JNE123"), self._shipped("JT" + "7" * 18)
        zpl = (short | long_)._label_print_zpl()
        self.assertIn("^BY3^BCN", zpl.split("^XZ")[0])
        self.assertIn("^BY2^BCN", zpl.split("^XZ")[1])

    def test_batch_transfer(self):
        pickings = self._shipped("BT1") | self._shipped("BT2")
        batch = self.env["stock.picking.batch"].create(
            {"picking_ids": [(6, 0, pickings.ids)]}
        )
        action = batch.action_print_shipping_labels()
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(pickings.ids))
        zpl_action = batch.action_print_shipping_labels_zpl()
        self.assertEqual(zpl_action["type"], "ir.actions.act_url")
        texts = self._texts(self._render(batch.picking_ids))
        self.assertEqual(len(texts), 2)

    # ------------------------------------------------------------------ #
    # The fast way (barcodes drawn by the module, no header/footer pages)
    # gives the PDF of Odoo's
    # report engine alone: same pages, sizes, words and their boxes.
    # ------------------------------------------------------------------ #

    def _pdf(self, pickings, user, old):
        report = self.env["ir.actions.report"].with_user(user)
        pdf, kind = report.with_context(
            force_report_rendering=True, label_print_plain=old
        )._render_qweb_pdf(LABELS_REPORT_ACTION, pickings.ids)
        self.assertEqual(kind, "pdf")
        return pdf

    def _sheet_html(self, parcels):
        """The fast way's HTML of a 10 x 15 cm sheet of these parcels."""
        report = self.env["ir.actions.report"].with_context(**{FAST_LABELS: True})
        data = {"parcel_ids": parcels.ids}
        return report._render_qweb_html(FORMAT_REPORTS["10x15"], None, data=data)[0]

    def _assert_same_pdf(self, old, new):
        old_sizes, old_pages = poppler(old)
        new_sizes, new_pages = poppler(new)
        self.assertEqual(new_sizes, old_sizes)
        self.assertEqual(len(new_pages), len(old_pages))
        for number, (old_words, new_words) in enumerate(
            zip(old_pages, new_pages, strict=True), start=1
        ):
            self.assertEqual(
                [word for word, _box in new_words],
                [word for word, _box in old_words],
                f"page {number}",
            )
            # a long document places its pages to a ten-thousandth of a point
            for (word, old_box), (_word, new_box) in zip(
                old_words, new_words, strict=True
            ):
                for old_edge, new_edge in zip(old_box, new_box, strict=True):
                    self.assertAlmostEqual(
                        new_edge, old_edge, delta=0.01, msg=f"page {number} {word}"
                    )

    def test_new_way_same_pdf_as_warehouse_user(self):
        user = self._warehouse_user()
        pickings = self._shipped("JNE1001,JNE1002") | self._shipped("JNE-77/01")
        for sheet in (False, "a4"):
            self.warehouse.label_print_format = sheet
            old = self._pdf(pickings, user, old=True)
            new = self._pdf(pickings, user, old=False)
            self._assert_same_pdf(old, new)
            sizes = poppler(new)[0]
            self.assertEqual(len(sizes), 3 if not sheet else 1)

    def test_barcodes_are_odoos(self):
        """The module's Code128 image is Odoo's (renderPM) to one grey level
        of 255 on every pixel, for the waybills of the sheet and others."""
        parcels = self._shipped("JNE-77/01,JT77700000001").parcel_ids
        html = self._sheet_html(parcels)
        sources = re.findall(rb'src="data:image/png;base64,([^"]+)"', html)
        values = ["JNE-77/01", "JT77700000001"]
        self.assertEqual(len(sources), 2)
        core = self.env["ir.actions.report"]
        for source, value in zip(sources, values, strict=True):
            png = base64.b64decode(source)
            self.assertEqual(png, code128_png(value, width=600, height=120))
        for value in values + ["A", "resi 0001 x/y", "1234567890123456789012"]:
            for quiet in (True, False):
                ours = Image.open(io.BytesIO(code128_png(value, 600, 120, quiet)))
                theirs = Image.open(
                    io.BytesIO(
                        core.barcode(
                            "Code128", value, width=600, height=120, quiet=int(quiet)
                        )
                    )
                ).convert("L")
                self.assertEqual(ours.size, theirs.size)
                worst = max(
                    abs(a - b)
                    for a, b in zip(ours.getdata(), theirs.getdata(), strict=True)
                )
                self.assertLessEqual(worst, 1, value)
        other = code128_png("JNE-77/02", 600, 120)
        self.assertNotEqual(
            self._bars(other), self._bars(code128_png("JNE-77/01", 600, 120))
        )
