"""Helpers building paid web orders the way the shop does: a sale order of the
website, a payment_demo transaction set done, then core's _post_process."""

from uuid import uuid4

from odoo.tests import TransactionCase


def setup_demo_provider(env):
    provider = env.ref("payment.payment_provider_demo")
    if provider.state == "disabled":
        provider.write({"state": "test", "is_published": True})
    return provider


def create_product(
    env, name="Kopi Toraja", price=100.0, invoice_policy="order", **vals
):
    return env["product.product"].create(
        {
            "name": name,
            "type": "consu",
            "list_price": price,
            "invoice_policy": invoice_policy,
            "taxes_id": [],
            **vals,
        }
    )


def create_order(env, partner, products, qty=1.0, **vals):
    website = env["website"].search([("company_id", "=", env.company.id)], limit=1)
    return env["sale.order"].create(
        {
            "partner_id": partner.id,
            "website_id": website.id,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                for product in products
            ],
            **vals,
        }
    )


def pay(order, amount=None, post_process=True, currency=None):
    """Pay the order online with payment_demo and run core's post-processing.

    Without post-processing, only account_payment's payment is created, as
    core's _post_process does it: what is left when our automation could not
    take the order (another worker held it)."""
    env = order.env
    provider = setup_demo_provider(env)
    tx = (
        env["payment.transaction"]
        .sudo()
        .create(
            {
                "provider_id": provider.id,
                "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                "amount": order.amount_total if amount is None else amount,
                "currency_id": (currency or order.currency_id).id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-{uuid4().hex[:8]}",
                "operation": "online_redirect",
                "sale_order_ids": [(6, 0, order.ids)],
            }
        )
    )
    tx.action_demo_set_done()
    if post_process:
        tx._post_process()
    else:
        tx.with_company(tx.company_id)._create_payment()
        tx.is_post_processed = True
    return tx


def set_policy(env, auto_invoice=True, on_delivery=False, send=False, validate=False):
    env.company.write(
        {
            "fulfilment_auto_invoice": auto_invoice,
            "fulfilment_invoice_on_delivery": on_delivery,
            "fulfilment_send_invoice": send,
        }
    )
    env["website"].search([]).write({"fulfilment_auto_validate_delivery": validate})


def break_product_accounting(product):
    """A deprecated income account: posting the product's invoice fails, a real
    configuration error a shop can make and fix."""
    account = product.env["account.account"].create(
        {
            "name": "Old Sales",
            "code": f"4{uuid4().int % 100000:05d}",
            "account_type": "income",
            "deprecated": True,
        }
    )
    product.property_account_income_id = account
    return account


class FulfilmentCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        setup_demo_provider(cls.env)
        set_policy(cls.env)
        cls.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", False)
        cls.partner = cls.env["res.partner"].create(
            {"name": "Budi Santoso", "email": "budi@example.com"}
        )
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Siti Rahayu", "email": "siti@example.com"}
        )
        cls.product = create_product(cls.env)
        cls.product_on_delivery = create_product(
            cls.env, name="Teh Melati", price=50.0, invoice_policy="delivery"
        )
        cls.salesman = cls.env["res.users"].create(
            {
                "name": "Salesman Andi",
                "login": "andi_fulfilment",
                "groups_id": [
                    (6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )

    def order(self, products=None, partner=None, **vals):
        return create_order(
            self.env,
            partner or self.partner,
            products or self.product,
            user_id=self.salesman.id,
            **vals,
        )

    def customer_invoices(self, order):
        return order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
