from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..hooks import post_init_hook
from ..shipment_rules import delivery_shipment_state
from .common import TrackingCommon

SECRET = "s3cret-for-parcels"


@tagged("post_install", "-at_install")
class TestParcels(TrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier.tracking_webhook_secret = SECRET

    def _packed_picking(self, packages=2):
        """A delivery of `packages` units, one per package."""
        picking = self._create_picking(qty=float(packages))
        line = picking.move_line_ids
        line.quantity = 1.0
        for _i in range(packages - 1):
            line.copy({"quantity": 1.0, "move_id": line.move_id.id})
        Package = self.env["stock.quant.package"]
        for weight, line in enumerate(picking.move_line_ids, start=1):
            line.result_package_id = Package.create({"shipping_weight": weight})
        return picking

    def _event(self, number, status, event_id, time="2025-01-10T15:00:00+07:00"):
        body = {
            "tracking_number": number,
            "events": [{"id": event_id, "time": time, "status": status}],
        }
        response = self._post_webhook(self.carrier, body, SECRET)
        self.assertEqual(response.status_code, 200, response.text)
        return response.outcome

    def test_one_parcel_per_package_with_number_label_state(self):
        picking = self._validate(self._packed_picking())
        parcels = picking.parcel_ids
        self.assertEqual(len(parcels), 2)
        self.assertEqual(parcels.package_id, picking.move_line_ids.result_package_id)
        self.assertEqual(parcels.mapped("weight"), [1.0, 2.0])
        numbers = parcels.mapped("tracking_number")
        self.assertEqual(len(set(numbers)), 2)
        for number in numbers:
            self.assertRegex(number, r"^TST\d{6}$")
        self.assertEqual(picking.carrier_tracking_ref, ",".join(numbers))
        self.assertEqual(parcels.mapped("shipment_state"), ["label_created"] * 2)
        for index, parcel in enumerate(parcels, start=1):
            self.assertEqual(
                parcel.label_id.name,
                f"LabelShipping-fixed-{parcel.tracking_number}-{index}.pdf",
            )
            pages = self._pdf_pages(parcel.label_id)
            self.assertEqual(len(pages), 1)
            self.assertIn(parcel.tracking_number, pages[0])
            self.assertIn(f"{index} / 2", pages[0])
            self.assertEqual(
                parcel.tracking_url,
                f"https://track.example.com/t?n={parcel.tracking_number}",
            )
        self.assertEqual(picking.tracking_label_ids, parcels.label_id)
        # core's multi-tracking format, read back by core's helper
        self.assertEqual(
            picking.get_multiple_carrier_tracking(),
            [[p.tracking_number, p.tracking_url] for p in parcels],
        )
        status = picking.get_shipment_status()
        self.assertEqual([p["tracking_number"] for p in status["parcels"]], numbers)
        self.assertEqual(
            [p["package"] for p in status["parcels"]], parcels.package_id.mapped("name")
        )

    def test_webhook_for_one_parcel_and_delivery_state_rule(self):
        picking = self._validate(self._packed_picking())
        first, second = picking.parcel_ids
        self.assertEqual(
            self._event(second.tracking_number, "in_transit", "e1")["applied"], 1
        )
        self.assertEqual(second.shipment_state, "in_transit")
        self.assertEqual(first.shipment_state, "label_created")
        # the least advanced parcel still on its way
        self.assertEqual(picking.shipment_state, "label_created")
        event = picking.tracking_event_ids
        self.assertEqual(event.parcel_id, second)
        self.assertEqual(
            picking.get_shipment_status()["events"][0]["tracking_number"],
            second.tracking_number,
        )
        # the same event id for the other parcel is another event
        self._event(first.tracking_number, "picked_up", "e1")
        self.assertEqual(first.shipment_state, "picked_up")
        self.assertEqual(second.shipment_state, "in_transit")
        self.assertEqual(picking.shipment_state, "picked_up")
        self.assertEqual(len(picking.tracking_event_ids), 2)
        # an exception on one parcel is the delivery's
        self._event(
            first.tracking_number, "exception", "e2", "2025-01-11T09:00:00+07:00"
        )
        self.assertEqual(picking.shipment_state, "exception")
        self.assertEqual(second.shipment_state, "in_transit")
        # delivered only when all are; the mail goes once, then
        self._event(
            first.tracking_number, "delivered", "e3", "2025-01-12T09:00:00+07:00"
        )
        self.assertEqual(first.shipment_state, "delivered")
        self.assertEqual(picking.shipment_state, "in_transit")
        self._event(
            second.tracking_number, "delivered", "e4", "2025-01-12T10:00:00+07:00"
        )
        self.assertEqual(picking.shipment_state, "delivered")
        # a late, older event never moves a parcel back
        self._event(
            second.tracking_number, "in_transit", "e0", "2025-01-09T09:00:00+07:00"
        )
        self.assertEqual(second.shipment_state, "delivered")
        self.assertEqual(picking.shipment_state, "delivered")

    def test_delivery_state_rule(self):
        self.assertFalse(delivery_shipment_state([False, False]))
        self.assertEqual(
            delivery_shipment_state(["cancelled", "cancelled"]), "cancelled"
        )
        self.assertEqual(
            delivery_shipment_state(["delivered", "cancelled"]), "delivered"
        )
        self.assertEqual(
            delivery_shipment_state(["in_transit", "label_pending"]), "label_pending"
        )
        self.assertEqual(
            delivery_shipment_state(["delivered", "exception"]), "exception"
        )
        self.assertEqual(
            delivery_shipment_state(["out_for_delivery", "picked_up", "delivered"]),
            "picked_up",
        )
        self.assertEqual(delivery_shipment_state(["delivered", "returned"]), "returned")

    def test_numbers_typed_or_by_rpc_make_parcels(self):
        picking = self._create_picking()
        # typed in the form's tracking reference (or set by another module)
        picking.carrier_tracking_ref = " AB-1 , AB-2 "
        self.assertEqual(picking.parcel_ids.mapped("tracking_number"), ["AB-1", "AB-2"])
        self.assertEqual(picking.carrier_tracking_ref, " AB-1 , AB-2 ")
        # a parcel's number edited in the list: the reference follows
        picking.parcel_ids[1].tracking_number = "AB-3"
        self.assertEqual(picking.carrier_tracking_ref, "AB-1,AB-3")
        # XML-RPC, several numbers
        self._validate(picking)
        status = picking.action_set_tracking_number("CD-1,CD-2,CD-3")
        self.assertEqual(
            picking.parcel_ids.mapped("tracking_number"), ["CD-1", "CD-2", "CD-3"]
        )
        self.assertEqual(picking.carrier_tracking_ref, "CD-1,CD-2,CD-3")
        self.assertEqual(
            [p["tracking_number"] for p in status["parcels"]], ["CD-1", "CD-2", "CD-3"]
        )
        self.assertEqual(
            [link[0] for link in status["tracking_links"]], ["CD-1", "CD-2", "CD-3"]
        )
        # the wizard, one number for the whole delivery: every parcel has it
        wizard = self.env["stock.picking.tracking.number"].create(
            {"picking_id": picking.id, "tracking_number": "WB-9"}
        )
        wizard.action_confirm()
        self.assertEqual(picking.carrier_tracking_ref, "WB-9")
        self.assertEqual(set(picking.parcel_ids.mapped("tracking_number")), {"WB-9"})

    def test_number_with_comma_refused_on_a_parcel(self):
        picking = self._validate(self._create_picking())
        for bad in ("A,B", "<bad>"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                picking.parcel_ids.tracking_number = bad
        self.assertRegex(picking.carrier_tracking_ref, r"^TST\d{6}$")

    def test_exact_lookup(self):
        short = self._create_picking()
        short.carrier_tracking_ref = "ABC123"
        long = self._create_picking()
        long.carrier_tracking_ref = "XABC1234"
        self._validate(short)
        self._validate(long)
        short.parcel_ids.shipment_state = "label_created"
        long.parcel_ids.shipment_state = "label_created"
        for number in ("ABC12", "BC123", "ABC1234"):
            answer = self._event(number, "in_transit", f"x-{number}")
            self.assertEqual((answer["applied"], answer["unknown"]), (0, 1), number)
        self.assertFalse(short.tracking_event_ids | long.tracking_event_ids)
        answer = self._event("ABC123", "in_transit", "x-1")
        self.assertEqual(answer["applied"], 1)
        self.assertEqual(short.shipment_state, "in_transit")
        self.assertEqual(long.shipment_state, "label_created")

    def test_reference_in_sync_on_cancel(self):
        picking = self._validate(self._packed_picking())
        parcels = picking.parcel_ids
        picking.cancel_shipment()
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(picking.parcel_ids, parcels, "labelled parcels stay")
        self.assertFalse(any(parcels.mapped("tracking_number")))
        self.assertEqual(parcels.mapped("shipment_state"), ["cancelled"] * 2)
        self.assertEqual(picking.shipment_state, "cancelled")

    def test_reference_without_parcels_gets_them(self):
        """A reference written behind the ORM's back (SQL, before install)
        still makes parcels when the delivery is next handled."""
        picking = self._validate(self._create_picking())
        picking.parcel_ids.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_picking SET carrier_tracking_ref = 'OLD-1,OLD-2',"
            " shipment_state = 'in_transit' WHERE id = %s",
            [picking.id],
        )
        picking.invalidate_recordset()
        picking._tracking_apply_events(
            [{"event_time": picking.date_done, "shipment_state": "delivered"}]
        )
        self.assertEqual(
            picking.parcel_ids.mapped("tracking_number"), ["OLD-1", "OLD-2"]
        )
        self.assertEqual(picking.parcel_ids.mapped("shipment_state"), ["delivered"] * 2)
        self.assertEqual(picking.shipment_state, "delivered")

    def test_install_makes_parcels_of_numbered_deliveries(self):
        picking = self._validate(self._create_picking())
        picking.parcel_ids.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_picking SET carrier_tracking_ref = 'PRE-1' WHERE id = %s",
            [picking.id],
        )
        self.env.invalidate_all()
        post_init_hook(self.env)
        self.assertEqual(picking.parcel_ids.mapped("tracking_number"), ["PRE-1"])
        self.assertEqual(self._event("PRE-1", "picked_up", "pre-1")["applied"], 1)
        self.assertEqual(picking.shipment_state, "picked_up")

    def test_portal_shows_parcels(self):
        portal, order = self._portal_customer_order("parcel_portal")
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 2, "picked": True})
        line = picking.move_line_ids
        line.quantity = 1.0
        line.copy({"quantity": 1.0, "move_id": line.move_id.id})
        for line in picking.move_line_ids:
            line.result_package_id = self.env["stock.quant.package"].create({})
        self._validate(picking)
        first, second = picking.parcel_ids
        self._event(second.tracking_number, "out_for_delivery", "p1")
        self.authenticate(portal.login, portal.login)
        html = self.url_open(f"/my/orders/{order.id}").text
        for parcel in (first, second):
            self.assertIn(f'data-parcel-id="{parcel.id}"', html)
            self.assertIn(
                f'href="https://track.example.com/t?n={parcel.tracking_number}"', html
            )
        self.assertIn("Out for Delivery", html)
        self.assertIn("Label Created", html)

    def test_roles(self):
        picking = self._validate(self._create_picking())
        parcel = picking.parcel_ids
        warehouse = new_test_user(
            self.env, "parcel_stock", groups="stock.group_stock_user"
        )
        parcel.with_user(warehouse).tracking_number = "WH-1"
        self.assertEqual(picking.carrier_tracking_ref, "WH-1")
        other = self.env["res.partner"].create({"name": "Siti Other"})
        stranger = new_test_user(
            self.env, "parcel_stranger", groups="base.group_portal", partner_id=other.id
        )
        Parcel = self.env["stock.picking.parcel"].with_user(stranger)
        self.assertFalse(Parcel.search([("id", "=", parcel.id)]))
        with self.assertRaises(AccessError):
            Parcel.browse(parcel.id).read(["tracking_number"])
        with self.assertRaises(AccessError):
            Parcel.browse(parcel.id).write({"tracking_number": "X-1"})
        customer = new_test_user(
            self.env,
            "parcel_customer",
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        with self.assertRaises(AccessError):
            parcel.with_user(customer).write({"tracking_number": "X-2"})
        self.assertEqual(parcel.tracking_number, "WH-1")
