"""Core's return label contract for the in-house carriers (fixed, based on
rules), return parcels tracked like any parcel, and their receipt by scan;
as the warehouse user (no sales rights) who makes labels and receives, and
as the customer who sees the parcel on the order page."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..shipment_rules import ACTIVE_SHIPMENT_STATES
from .common import TrackingCommon

SECRET = "return-secret"


@tagged("post_install", "-at_install")
class TestReturnLabel(TrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.partner_id.write(
            {"name": "Gudang Pusat", "phone": "+62 21 555 0100"}
        )
        cls.carrier.tracking_webhook_secret = SECRET
        cls.stock_user = new_test_user(
            cls.env, "return_stock", groups="stock.group_stock_user"
        )
        cls.salesman = new_test_user(
            cls.env, "return_sales", groups="sales_team.group_sale_salesman"
        )

    def _shipped_return(self, qty=1.0):
        delivery = self._validate(self._create_picking())
        return delivery, self._create_return(delivery, qty=qty)

    def _event(self, number, status, event_id):
        response = self._post_webhook(
            self.carrier,
            {
                "tracking_number": number,
                "events": [
                    {
                        "id": event_id,
                        "time": "2025-01-12T10:00:00+07:00",
                        "status": status,
                        "location": "Bandung",
                    }
                ],
            },
            SECRET,
        )
        self.assertEqual(response.status_code, 200, response.text)
        return response.outcome

    def test_return_label_once_from_customer_to_warehouse(self):
        delivery, returned = self._shipped_return()
        self.assertTrue(self.carrier.can_generate_return)
        self.assertTrue(returned.is_return_picking)
        self.assertEqual(returned.picking_type_code, "incoming")
        self.assertIs(returned.with_user(self.stock_user).print_return_label(), True)
        number = returned.carrier_tracking_ref
        self.assertRegex(number, r"^RTN\d{8}$")
        self.assertNotEqual(number, delivery.carrier_tracking_ref)
        self.assertEqual(returned.shipment_state, "label_created")
        label = returned.return_label_ids
        self.assertEqual(len(label), 1)
        self.assertEqual(label.name, f"LabelReturn-fixed-{number}.pdf")
        self.assertEqual(returned.tracking_label_ids, label)
        self.assertEqual(returned.parcel_ids.label_id, label)
        # the delivery's shipping labels stay its own
        self.assertFalse(delivery.return_label_ids)
        self.assertNotIn(label, delivery.tracking_label_ids)
        [page] = self._pdf_pages(label)
        self.assertIn("RETURN", page)
        sender, recipient = page.split(" TO ", 1)
        self.assertIn("Budi Santoso", sender)
        self.assertIn("Jl. Merdeka 17", sender)
        self.assertIn("Gudang Pusat", recipient)
        self.assertIn(number, recipient)
        # a second call (a click, the return module again): the same
        self.carrier.get_return_label(returned)
        returned.with_user(self.stock_user).print_return_label()
        returned.invalidate_recordset()
        self.assertEqual(returned.carrier_tracking_ref, number)
        self.assertEqual(returned.return_label_ids, label)

    def test_return_label_refusals(self):
        delivery, returned = self._shipped_return()
        with self.assertRaises(AccessError):
            returned.with_user(self.salesman).print_return_label()
        with self.assertRaisesRegex(UserError, "not a return receipt"):
            self.carrier.get_return_label(delivery)
        bare = self._create_return(delivery)
        bare.carrier_id = False
        with self.assertRaisesRegex(UserError, "no shipping method"):
            bare.with_user(self.stock_user).print_return_label()
        returned.move_ids.write({"quantity": 1, "picked": True})
        self._validate(returned)
        with self.assertRaisesRegex(UserError, "already received"):
            self.carrier.get_return_label(returned)
        # nothing half-written by the refusals
        self.assertFalse(returned.carrier_tracking_ref)
        self.assertFalse(returned.return_label_ids)

    def test_return_parcel_tracked_without_customer_mails(self):
        self.env.company.write(
            {"tracking_delivered_mail": True, "tracking_number_mail": True}
        )
        _delivery, returned = self._shipped_return()
        returned.with_user(self.stock_user).print_return_label()
        number = returned.carrier_tracking_ref
        # on its way before the warehouse receives it: polled, watched
        Picking = self.env["stock.picking"]
        due = Picking._tracking_due_ids(ACTIVE_SHIPMENT_STATES, 1000)
        self.assertNotIn(returned.id, due, "polled an hour after the label")
        returned.tracking_next_poll_at = False
        self.assertIn(
            returned.id, Picking._tracking_due_ids(ACTIVE_SHIPMENT_STATES, 1000)
        )
        self.assertIn(returned, Picking.search(Picking._watch_base_domain()))
        mails_before = returned.message_ids
        self.assertEqual(self._event(number, "picked_up", "r1")["applied"], 1)
        self.assertEqual(self._event(number, "delivered", "r2")["applied"], 1)
        self.assertEqual(returned.shipment_state, "delivered")
        self.assertEqual(
            returned.tracking_event_ids.mapped("shipment_state"),
            ["delivered", "picked_up"],
        )
        new = returned.message_ids - mails_before
        self.assertFalse(
            new.filtered(lambda m: self.customer in m.partner_ids),
            "the customer's own parcel: no delivery mails",
        )
        # the warehouse receives it: core's validation
        returned.move_ids.write({"quantity": 1, "picked": True})
        self._validate(returned)
        self.assertEqual(returned.shipment_state, "delivered")

    def test_scan_opens_the_waiting_return(self):
        delivery, returned = self._shipped_return()
        returned.print_return_label()
        number = returned.carrier_tracking_ref
        Picking = self.env["stock.picking"].with_user(self.stock_user)
        action = Picking.action_open_by_tracking_number(f"  {number} ")
        self.assertEqual(action["res_model"], "stock.picking")
        self.assertEqual(action["res_id"], returned.id)
        self.assertEqual(action["view_mode"], "form")
        self.assertNotIn(None, action.values())
        # the delivery's own number opens the delivery
        action = Picking.action_open_by_tracking_number(delivery.carrier_tracking_ref)
        self.assertEqual(action["res_id"], delivery.id)
        # typed into a field or the list's search: name_search and the filter
        self.assertEqual(
            [r[0] for r in Picking.name_search(number)],
            [returned.id],
        )
        self.assertEqual(
            Picking.search([("carrier_tracking_ref", "ilike", number)]), returned
        )
        with self.assertRaisesRegex(UserError, "No receipt or delivery"):
            Picking.action_open_by_tracking_number("RTN99999999")
        with self.assertRaisesRegex(UserError, "one tracking number"):
            Picking.action_open_by_tracking_number(f"{number},X1")
        with self.assertRaises(AccessError):
            self.env["stock.picking"].with_user(
                self.salesman
            ).action_open_by_tracking_number(number)

    def test_portal_shows_the_return_parcel(self):
        portal, order = self._portal_customer_order("return_portal")
        delivery = order.picking_ids
        delivery.move_ids.write({"quantity": 2, "picked": True})
        self._validate(delivery)
        returned = self._create_return(delivery)
        self.assertIn(returned, order.picking_ids)
        returned.print_return_label()
        number = returned.carrier_tracking_ref
        self._event(number, "in_transit", "p1")
        self.authenticate(portal.login, portal.login)
        html = self.url_open(f"/my/orders/{order.id}").text
        self.assertIn(f'data-picking-id="{returned.id}"', html)
        self.assertIn(f'data-picking-id="{delivery.id}"', html)
        self.assertEqual(html.count("o_tracking_return"), 1)
        self.assertIn("Return parcel", html)
        self.assertIn(f'href="https://track.example.com/t?n={number}"', html)
        self.assertIn("In Transit", html)

    def test_return_label_printed_with_the_delivery(self):
        """Core's return_label_on_delivery on an in-house method: shipping
        makes the delivery's QWeb return label (from the customer to the
        warehouse, its own number) beside its shipping label, once; the
        return of that delivery takes that number."""
        with self.assertRaisesRegex(ValidationError, "makes no labels"):
            self.carrier.copy(
                {"tracking_create_label": False, "return_label_on_delivery": True}
            )
        self.carrier.write(
            {"return_label_on_delivery": True, "get_return_label_from_portal": True}
        )
        # validated by the warehouse user (no sales rights), as shops do
        delivery = self._validate(self._create_picking().with_user(self.stock_user))
        number = delivery.tracking_return_label_ref
        self.assertRegex(number, r"^RTN\d{8}$")
        label = delivery.return_label_ids
        self.assertEqual(label.name, f"LabelReturn-fixed-{number}.pdf")
        self.assertTrue(label.access_token)  # core's, for the portal
        # beside the shipping label, which stays the delivery's label
        self.assertEqual(len(delivery.tracking_label_ids), 1)
        self.assertNotIn(label, delivery.tracking_label_ids)
        [page] = self._pdf_pages(label)
        self.assertIn("RETURN", page)
        sender, recipient = page.split(" TO ", 1)
        self.assertIn("Budi Santoso", sender)
        self.assertIn("Gudang Pusat", recipient)
        self.assertIn(number, recipient)
        self.assertNotIn(delivery.carrier_tracking_ref, page)
        # made once: the contract called again gives the same
        self.carrier.get_return_label(delivery)
        delivery.invalidate_recordset()
        self.assertEqual(delivery.return_label_ids, label)
        self.assertEqual(delivery.tracking_return_label_ref, number)
        # its return: the number printed with the delivery
        returned = self._create_return(delivery)
        returned.with_user(self.stock_user).print_return_label()
        self.assertEqual(returned.carrier_tracking_ref, number)
        action = (
            self.env["stock.picking"]
            .with_user(self.stock_user)
            .action_open_by_tracking_number(number)
        )
        self.assertEqual(action["res_id"], returned.id)
