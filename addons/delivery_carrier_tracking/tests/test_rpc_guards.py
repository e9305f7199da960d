import xmlrpc.client

from odoo.tests import Form, new_test_user, tagged

from .common import TrackingCommon

# XML-RPC fault codes of Odoo's /xmlrpc/2 (odoo.addons.base.controllers.rpc)
USER_ERROR = 2
ACCESS_ERROR = 4


@tagged("post_install", "-at_install")
class TestRpcGuards(TrackingCommon):
    """send_to_shipper and cancel_shipment are public: over XML-RPC they book
    or cancel a shipment only where the delivery form offers it, for the
    warehouse staff. The test carrier books for real: a tracking number from
    its sequence and a label PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = new_test_user(
            cls.env, "gudang_rpc", groups="base.group_user,stock.group_stock_user"
        )
        cls.salesman = new_test_user(
            cls.env,
            "sales_rpc",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        # wkhtmltopdf fetches the label's CSS from report.url: a request to
        # the test server, made while the XML-RPC request that renders the
        # label holds the test cursor, would wait for ever. A closed port
        # gives labels without CSS at once (wkhtmltopdf's exit code 1).
        cls.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        cls.portal_user = new_test_user(
            cls.env,
            "portal_rpc",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )

    def _call(self, login, method, picking):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        self.assertTrue(uid, login)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, "stock.picking", method, [[picking.id]]
        )

    def _assert_refused(self, login, method, picking, fault_code, message):
        with (
            self.assertRaises(xmlrpc.client.Fault) as caught,
            self.assertLogs("odoo.http", "WARNING"),
        ):
            self._call(login, method, picking)
        self.assertEqual(caught.exception.faultCode, fault_code)
        self.assertIn(message, caught.exception.faultString)
        picking.invalidate_recordset()

    def _assert_not_shipped(self, picking, shipment_state=False):
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertFalse(picking.carrier_shipment_id)
        self.assertFalse(picking.tracking_label_ids)
        self.assertEqual(picking.shipment_state, shipment_state)

    def _pending_delivery(self):
        """A done delivery whose shipment could not be booked yet: its method
        did not serve the country at validation, and does since."""
        carrier = self._create_carrier(
            "Picky Courier",
            sequence=self.sequence,
            delivery_type="base_on_rule",
            country_ids=[(6, 0, self.env.ref("base.fr").ids)],
        )
        picking = self._validate(self._create_picking(carrier=carrier))
        carrier.country_ids = False
        self._assert_not_shipped(picking, "label_pending")
        return picking

    def test_send_not_done_refused(self):
        picking = self._create_picking()
        self.assertEqual(picking.state, "assigned")
        self._assert_refused(
            "gudang_rpc",
            "send_to_shipper",
            picking,
            USER_ERROR,
            f"Delivery {picking.name} cannot be sent to the carrier: it is not "
            "done yet",
        )
        self._assert_not_shipped(picking)
        self.assertEqual(picking.state, "assigned")

    def test_send_without_stock_rights_refused(self):
        picking = self._pending_delivery()
        for login in ("sales_rpc", "portal_rpc"):
            self._assert_refused(
                login,
                "send_to_shipper",
                picking,
                ACCESS_ERROR,
                f"Only Inventory users may send deliveries to the carrier or "
                f"cancel their shipments ({picking.name})",
            )
            self._assert_not_shipped(picking, "label_pending")
        # the warehouse user's call books it: the refusals were the guard
        self._call("gudang_rpc", "send_to_shipper", picking)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertTrue(picking.carrier_tracking_ref.startswith("TST"))
        self.assertEqual(len(picking.tracking_label_ids), 1)

    def test_validation_by_warehouse_user_still_books(self):
        """Core books the carrier from the validation (as superuser): the
        guard keeps that path working for a user with only stock rights."""
        picking = self._create_picking().with_user(self.stock_user)
        self.assertIs(picking.button_validate(), True)
        picking = picking.sudo()
        self.assertEqual(picking.shipment_state, "label_created")
        self.assertTrue(picking.carrier_tracking_ref)
        self.assertEqual(len(picking.tracking_label_ids), 1)

    def test_cancel_refused(self):
        picking = self._validate(self._create_picking())
        number = picking.carrier_tracking_ref
        self.assertTrue(number)
        for login in ("sales_rpc", "portal_rpc"):
            self._assert_refused(
                login,
                "cancel_shipment",
                picking,
                ACCESS_ERROR,
                f"Only Inventory users may send deliveries to the carrier or "
                f"cancel their shipments ({picking.name})",
            )
            self.assertEqual(picking.shipment_state, "label_created")
            self.assertEqual(picking.carrier_tracking_ref, number)
        not_done = self._create_picking()
        self._assert_refused(
            "gudang_rpc",
            "cancel_shipment",
            not_done,
            USER_ERROR,
            f"The shipment of delivery {not_done.name} cannot be cancelled: it is "
            "not done yet",
        )
        self.assertEqual(not_done.state, "assigned")
        pending = self._pending_delivery()
        self._assert_refused(
            "gudang_rpc",
            "cancel_shipment",
            pending,
            USER_ERROR,
            f"The shipment of delivery {pending.name} cannot be cancelled: it has "
            "no shipment with the carrier",
        )
        self.assertEqual(pending.shipment_state, "label_pending")
        # the warehouse user may cancel a booked shipment
        self._call("gudang_rpc", "cancel_shipment", picking)
        picking.invalidate_recordset()
        self.assertEqual(picking.shipment_state, "cancelled")
        self.assertFalse(picking.carrier_tracking_ref)

    def test_salesperson_opens_a_shipped_delivery(self):
        """The order's Delivery button: a salesperson (no Inventory rights)
        reads the delivery form with its parcels and tracking events."""
        picking = self._validate(self._create_picking())
        self.assertTrue(picking.parcel_ids)
        form = Form(picking.with_user(self.salesman))
        self.assertEqual(form.carrier_tracking_ref, picking.carrier_tracking_ref)
        self.assertEqual(len(form.parcel_ids), len(picking.parcel_ids))
        events = picking.with_user(self.salesman).tracking_event_ids
        self.assertEqual(events.ids, picking.tracking_event_ids.ids)
