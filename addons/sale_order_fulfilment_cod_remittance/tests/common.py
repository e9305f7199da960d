"""Delivered cash-on-delivery orders as sale_order_fulfilment_cod leaves them:
confirmed, invoiced, and paid by the collection entry that moves the cash to
the carrier's COD receivable (its own _cod_collect, run when the courier
reports delivered)."""

import base64
from uuid import uuid4

from odoo.tests import TransactionCase, new_test_user


def csv_file(rows, header="reference,order id,amount,cod fee,shipping fee,paid date"):
    """A remittance file in the simple documented CSV, base64 as the import
    takes it."""
    lines = [header] + [",".join(str(cell) for cell in row) for row in rows]
    return base64.b64encode("\n".join(lines).encode()).decode()


class CodRemittanceCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company._cod_ensure_accounting()
        cls.currency = cls.company.currency_id
        cls.cod_account = cls.company.cod_receivable_account_id
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.fee_account = cls.env["account.account"].create(
            {"name": "COD Fees", "code": "6COD01", "account_type": "expense"}
        )
        cls.shipping_account = cls.env["account.account"].create(
            {"name": "COD Shipping", "code": "6COD02", "account_type": "expense"}
        )
        cls.company.write(
            {
                "cod_fee_account_id": cls.fee_account.id,
                "cod_shipping_fee_account_id": cls.shipping_account.id,
                "fulfilment_auto_invoice": False,
            }
        )
        cls.aggregator = cls.env["res.partner"].create(
            {"name": "Courier Aggregator", "is_company": True}
        )
        delivery_product = cls.env["product.product"].create(
            {"name": "Kurir", "type": "service", "list_price": 0.0}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "JNE COD",
                "delivery_type": "fixed",
                "fixed_price": 0.0,
                "product_id": delivery_product.id,
                "cod_allowed": True,
                "cod_partner_id": cls.aggregator.id,
                "cod_disbursement": "7_days",
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Dewi Lestari", "email": "dewi@example.com"}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Batik Tulis",
                "type": "consu",
                "list_price": 100000.0,
                "invoice_policy": "order",
                "taxes_id": [],
            }
        )
        cls.fee_product = cls.env["product.product"].create(
            {
                "name": "COD Fee",
                "type": "service",
                "invoice_policy": "order",
                "taxes_id": [],
            }
        )
        cls.billing = new_test_user(
            cls.env,
            login="rina_cod_billing",
            groups="account.group_account_invoice",
        )
        cls.salesman = new_test_user(
            cls.env, login="andi_cod_sales", groups="sales_team.group_sale_salesman"
        )

    @classmethod
    def delivered_cod_order(cls, price=100000.0, carrier=None, fee=0.0):
        """A COD order confirmed, invoiced and collected (the courier reported
        it delivered): cod_state 'collected', one open COD receivable line.
        With `fee`, the COD fee line the checkout adds."""
        env = cls.env
        fee_line = {
            "product_id": cls.fee_product.id,
            "product_uom_qty": 1,
            "price_unit": fee,
            "is_cod_fee": True,
        }
        order = env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "carrier_id": (carrier or cls.carrier).id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": price,
                        },
                    ),
                    *([(0, 0, fee_line)] if fee else []),
                ],
            }
        )
        order.write({"is_cod": True, "cod_state": "to_collect"})
        order.action_confirm()
        if not order.invoice_ids:
            order._create_invoices()
        order.invoice_ids.filtered(lambda m: m.state == "draft").action_post()
        order._cod_collect()
        assert order.cod_state == "collected", order.cod_state
        return order

    def cod_line(self, order):
        return order.cod_collection_move_id.line_ids.filtered(
            lambda line: line.account_id == self.cod_account
        )

    def statement_line(self, amount, label, **vals):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "amount": amount,
                "payment_ref": label,
                **vals,
            }
        )

    @staticmethod
    def reference():
        return f"PAYOUT-{uuid4().hex[:8].upper()}"
