"""The approval asks the return's carrier for its label through core's
contract (can_generate_return, <delivery_type>_get_return_label). The
in-house and aggregator providers are the carrier side's (delivery_carrier_tracking
and the provider modules); here a provider is stood in on the fixed carrier to
check what this module does with its answer or its failure."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import ReturnCase

PDF = b"%PDF-1.4 return label"


def can_return(carriers):
    for carrier in carriers:
        carrier.can_generate_return = True


def make_label(carrier, pickings, *_args, **_kwargs):
    for picking in pickings:
        picking.message_post(
            attachments=[(f"{carrier.get_return_label_prefix()}-{picking.id}.pdf", PDF)]
        )


def refuse_label(_carrier, pickings, *_args, **_kwargs):
    pickings.carrier_tracking_ref = "HALF-WRITTEN"
    raise ValueError("carrier refused the pickup address")


@tagged("post_install", "-at_install")
class TestReturnLabel(ReturnCase):
    def provider(self, label):
        self.carrier.get_return_label_from_portal = True
        self.carrier.invalidate_recordset(["can_generate_return"])
        # on the registry's class: above every module's provider methods
        return patch.multiple(
            type(self.env["delivery.carrier"]),
            _compute_can_generate_return=can_return,
            fixed_get_return_label=label,
            create=True,
        )

    def test_label_mailed_and_in_portal(self):
        order = self.delivered_order(qty=1.0)
        ret = self.return_of(self.ask(order))
        with self.provider(make_label):
            ret.with_user(self.own).action_approve()
            labels = ret._get_portal_labels()
            self.assertEqual(len(labels), 1, ret.activity_ids.mapped("note"))
            self.assertTrue(labels.access_token)
            self.assertEqual(labels.raw, PDF)
            mail = ret.message_ids.filtered(lambda m: "approved" in (m.subject or ""))
            self.assertEqual(mail.attachment_ids.mapped("raw"), [PDF])
            status = ret.with_user(self.portal).get_return_status()[0]
            self.assertIs(status["has_label"], True)
            # the customer's order page links it with its token
            html = self.env["ir.qweb"]._render(
                "sale_order_fulfilment_return.portal_order_returns",
                {"sale_order": order.sudo(), "return_url": "/x"},
            )
            self.assertIn(f"access_token={labels.access_token}", str(html))
            # approving again asks for no second label
            ret.with_user(self.own).action_approve()
            self.assertEqual(len(ret._get_portal_labels()), 1)

    def test_failed_label_leaves_return_approved_with_activity(self):
        order = self.delivered_order(qty=1.0)
        ret = self.return_of(self.ask(order))
        with self.provider(refuse_label):
            ret.with_user(self.own).action_approve()
        self.assertEqual(ret.state, "approved")
        self.assertEqual(len(ret.return_picking_ids), 1)
        # the provider's half-written work is rolled back
        self.assertFalse(ret.return_picking_id.carrier_tracking_ref)
        [activity] = ret.activity_ids
        self.assertIn("carrier refused the pickup address", activity.note)
        self.assertEqual(activity.user_id, self.own)

    def test_cancelled_pickup_shown_on_the_return(self):
        """The warehouse cancels the return's pickup with its carrier (core's
        cancel_shipment on the return receipt): the return says so in its
        chatter and the customer no longer gets the void label."""
        order = self.delivered_order(qty=1.0)
        ret = self.return_of(self.ask(order))
        with self.provider(make_label):
            ret.with_user(self.own).action_approve()
            picking = ret.return_picking_ids
            picking.carrier_tracking_ref = "RTN-PICKUP-1"
            self.assertTrue(ret._get_portal_labels())
            with patch.object(
                type(self.env["delivery.carrier"]),
                "fixed_cancel_shipment",
                lambda _carrier, _pickings: None,
                create=True,
            ):
                picking.with_user(self.warehouse).cancel_shipment()
            self.assertFalse(ret._get_portal_labels())
            status = ret.with_user(self.portal).get_return_status()[0]
            self.assertIs(status["has_label"], False)
            self.assertEqual(status["tracking_numbers"], [])
            [note] = ret.message_ids.filtered(
                lambda m: "return pickup" in (m.body or "")
            )
            self.assertIn("RTN-PICKUP-1", note.body)
            self.assertIn("its return label is void", note.body)
            self.assertEqual(ret.state, "approved")
