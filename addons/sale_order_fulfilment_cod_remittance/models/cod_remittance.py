import base64
import binascii
import logging
import re
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

from . import remittance_file

_logger = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 30


class CodRemittance(models.Model):
    """One payout of a carrier or aggregator: the cash its couriers collected
    for some orders, minus its fees, paid to the shop's bank. Imported from a
    remittance file or built from a bank statement line; reconciled once,
    against one bank statement line."""

    _name = "cod.remittance"
    _description = "COD Payout"
    _inherit = "mail.thread"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Payout Reference", required=True, readonly=True, index=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        "Remitted By",
        readonly=True,
        help="The carrier or aggregator who collected the cash (the partner of "
        "its COD receivable lines).",
    )
    date = fields.Date("Paid On", readonly=True)
    source = fields.Selection(
        [("file", "Remittance file"), ("statement", "Bank statement line")],
        required=True,
        readonly=True,
    )
    filename = fields.Char(readonly=True)
    line_ids = fields.One2many("cod.remittance.line", "remittance_id", readonly=True)
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        "Bank Statement Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    move_id = fields.Many2one(
        related="statement_line_id.move_id", string="Journal Entry"
    )
    state = fields.Selection(
        [("waiting", "Waiting for the bank"), ("reconciled", "Reconciled")],
        default="waiting",
        required=True,
        readonly=True,
        tracking=True,
    )
    amount = fields.Monetary(
        "COD Amount",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    cod_fee = fields.Monetary(
        "COD Fees", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    shipping_fee = fields.Monetary(
        "Shipping Fees",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_net = fields.Monetary(
        "Paid Out",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
        help="What reaches the bank: the COD amount minus the fees.",
    )
    issue_count = fields.Integer(
        "Short or Missing", compute="_compute_amounts", store=True
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "name_company_uniq",
            "unique(company_id, name)",
            "A payout with this reference was already imported.",
        )
    ]

    @api.depends("line_ids.amount", "line_ids.cod_fee", "line_ids.shipping_fee")
    def _compute_amounts(self):
        for payout in self:
            lines = payout.line_ids
            payout.amount = sum(lines.mapped("amount"))
            payout.cod_fee = sum(lines.mapped("cod_fee"))
            payout.shipping_fee = sum(lines.mapped("shipping_fee"))
            payout.amount_net = payout.amount - payout.cod_fee - payout.shipping_fee
            payout.issue_count = len(lines.filtered(lambda l: l.state != "remitted"))

    # ------------------------------------------------------------------ #
    # Import of a remittance file (wizard, XML-RPC)
    # ------------------------------------------------------------------ #

    @api.model
    def import_file(
        self,
        content,
        filename="",
        reference="",
        journal_id=False,
        create_statement_line=False,
    ):
        """Import a remittance file: all of it or nothing (see readme/USAGE.md).

        :param content: the file, base64-encoded (CSV or .xlsx)
        :param filename: its name (".xlsx" reads it as Excel)
        :param reference: payout reference of rows without a reference column
        :param journal_id: bank journal of the payout's statement line
        :param create_statement_line: create that line when the bank statement
            has none yet (needs the right to create bank statement lines)
        :return: {"payouts": [ids], "reconciled": [ids], "waiting": [ids],
            "rows": int, "duplicates": int, "issues": [{"order", "state",
            "amount", "outstanding"}]} (JSON-safe)
        """
        self.check_access("create")
        try:
            raw = base64.b64decode(content or "", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(
                self.env._("The file must be sent base64-encoded.")
            ) from error
        try:
            rows, errors = remittance_file.parse_rows(raw, filename)
        except remittance_file.FileError as error:
            raise UserError(
                self.env._(
                    "%(file)s cannot be imported: %(error)s",
                    file=filename or self.env._("The file"),
                    error=error,
                )
            ) from error
        journal = self.env["account.journal"].browse(journal_id or [])
        if journal and journal.type != "bank":
            raise UserError(
                self.env._("%s is not a bank journal.", journal.display_name)
            )
        if create_statement_line:
            if not journal:
                raise UserError(self.env._("Choose the bank journal of the payout."))
            # Billing users read bank statements but do not write them (core
            # rights): creating the bank's line stays with accountants.
            self.env["account.bank.statement.line"].check_access("create")
        errors = [
            self.env._("line %(line)s: %(error)s", line=line, error=error)
            for line, error in errors
        ]
        payouts, duplicates, plan_errors = self._cod_plan_payouts(rows, reference)
        errors += plan_errors
        if errors:
            shown = errors[:MAX_ERRORS_SHOWN]
            if len(errors) > MAX_ERRORS_SHOWN:
                shown.append(
                    self.env._("... and %s more.", len(errors) - MAX_ERRORS_SHOWN)
                )
            raise UserError(
                self.env._(
                    "Nothing was imported from %(file)s:\n%(errors)s",
                    file=filename or self.env._("the file"),
                    errors="\n".join(shown),
                )
            )
        # All or nothing: a failure while booking (a closed period, a missing
        # fee account) leaves no payout half-written even when the caller
        # catches the error and goes on in the same transaction.
        with self.env.cr.savepoint():
            records = self._cod_create_payouts(payouts, filename)
            records._cod_flag_issues()
            reconciled = records._cod_reconcile_bank(journal, create_statement_line)
        return {
            "payouts": records.ids,
            "reconciled": reconciled.ids,
            "waiting": (records - reconciled).ids,
            "rows": len(rows),
            "duplicates": duplicates,
            "issues": [
                {
                    "order": line.sale_order_id.name,
                    "state": line.state,
                    "amount": line.amount,
                    "outstanding": line.outstanding,
                }
                for line in records.line_ids
                if line.state != "remitted"
            ],
        }

    def _cod_plan_payouts(self, rows, default_reference):
        """Group the file's rows by payout and order, check them against the
        open COD receivables. Returns ({reference: {order: row}}, number of
        rows already imported, [error messages]); writes nothing."""
        company = self.env.company
        errors = []
        orders = self._cod_find_orders(
            {key for row in rows for key in row["keys"]}, company
        )
        payouts = defaultdict(dict)
        for row in rows:
            key = next((key for key in row["keys"] if key in orders), None)
            order = orders.get(key)
            reference = row["reference"] or default_reference
            if not order:
                errors.append(
                    self.env._(
                        "line %(line)s: no cash-on-delivery order of %(company)s "
                        "matches %(keys)s",
                        line=row["line"],
                        company=company.name,
                        keys=" / ".join(row["keys"]),
                    )
                )
                continue
            if not reference:
                errors.append(
                    self.env._(
                        "line %s: no payout reference (give one in the reference "
                        "column or in the import)",
                        row["line"],
                    )
                )
                continue
            if row["amount"] < 0 or row["cod_fee"] < 0 or row["shipping_fee"] < 0:
                errors.append(
                    self.env._(
                        "line %s: amounts and fees cannot be negative", row["line"]
                    )
                )
                continue
            fees = row["cod_fee"] + row["shipping_fee"]
            if row["net"] is not None and company.currency_id.compare_amounts(
                row["net"], row["amount"] - fees
            ):
                errors.append(
                    self.env._(
                        "line %(line)s: the net amount %(net)s is not the amount "
                        "minus the fees (%(expected)s)",
                        line=row["line"],
                        net=row["net"],
                        expected=row["amount"] - fees,
                    )
                )
                continue
            same = payouts[reference].get(order)
            if same:
                # the same order twice in one payout: one settlement line
                for name in ("amount", "cod_fee", "shipping_fee"):
                    same[name] += row[name]
                same["paid_date"] = max(
                    filter(None, [same["paid_date"], row["paid_date"]]), default=None
                )
            else:
                payouts[reference][order] = dict(row, key=key)
        # Already imported payout lines (company, reference, order) are
        # skipped: importing the same payout twice changes nothing.
        existing = self.env["cod.remittance.line"].search(
            [
                ("company_id", "=", company.id),
                ("remittance_id.name", "in", list(payouts)),
            ]
        )
        done = {(line.remittance_id.name, line.sale_order_id) for line in existing}
        duplicates = 0
        for reference in list(payouts):
            known = [
                order for order in payouts[reference] if (reference, order) in done
            ]
            if known and len(known) == len(payouts[reference]):
                duplicates += len(known)
                del payouts[reference]
            elif known or reference in existing.remittance_id.mapped("name"):
                errors.append(
                    self.env._(
                        "payout %s was already imported with other orders: a payout "
                        "is imported once, whole",
                        reference,
                    )
                )
        all_orders = self.env["sale.order"].union(
            *(o for p in payouts.values() for o in p)
        )
        open_lines = self._cod_open_receivables(all_orders)
        used = defaultdict(float)
        for reference, by_order in payouts.items():
            partners = set()
            for order, row in by_order.items():
                lines = open_lines.get(order.id, self.env["account.move.line"])
                partners.update(lines.partner_id.ids)
                outstanding = sum(lines.mapped("amount_residual")) - used[order.id]
                used[order.id] += row["amount"]
                if company.currency_id.compare_amounts(row["amount"], outstanding) > 0:
                    errors.append(
                        self._cod_too_large_message(
                            order, reference, row["amount"], outstanding
                        )
                    )
            if len(partners) > 1:
                errors.append(
                    self.env._(
                        "payout %(reference)s covers the cash of several remitters "
                        "(%(partners)s): one payout comes from one carrier or "
                        "aggregator",
                        reference=reference,
                        partners=", ".join(
                            self.env["res.partner"]
                            .browse(partners)
                            .mapped("display_name")
                        ),
                    )
                )
        return payouts, duplicates, errors

    def _cod_too_large_message(self, order, reference, amount, outstanding):
        currency = self.env.company.currency_id
        if currency.is_zero(outstanding) and order.cod_state != "remitted":
            return self.env._(
                "%(order)s: payout %(reference)s remits %(amount)s but nothing "
                "of it was collected (COD state: %(state)s)",
                order=order.name,
                reference=reference,
                amount=format_amount(self.env, amount, currency),
                state=dict(
                    order._fields["cod_state"]._description_selection(self.env)
                ).get(order.cod_state),
            )
        return self.env._(
            "%(order)s: payout %(reference)s remits %(amount)s, more than the "
            "%(outstanding)s collected and not remitted yet",
            order=order.name,
            reference=reference,
            amount=format_amount(self.env, amount, currency),
            outstanding=format_amount(self.env, max(outstanding, 0.0), currency),
        )

    def _cod_create_payouts(self, payouts, filename):
        open_lines = self._cod_open_receivables(
            self.env["sale.order"].union(*(o for p in payouts.values() for o in p))
        )
        vals_list = []
        for reference, by_order in payouts.items():
            partner = (
                self.env["account.move.line"]
                .union(
                    *(
                        open_lines.get(order.id, self.env["account.move.line"])
                        for order in by_order
                    )
                )
                .partner_id[:1]
            )
            dates = [row["paid_date"] for row in by_order.values() if row["paid_date"]]
            vals_list.append(
                {
                    "name": reference,
                    "source": "file",
                    "filename": filename,
                    "partner_id": partner.id,
                    "date": max(dates) if dates else fields.Date.context_today(self),
                    "line_ids": [
                        Command.create(
                            {
                                "sale_order_id": order.id,
                                "file_reference": row["key"],
                                "amount": row["amount"],
                                "cod_fee": row["cod_fee"],
                                "shipping_fee": row["shipping_fee"],
                                "amount_to_remit": sum(
                                    open_lines.get(
                                        order.id, self.env["account.move.line"]
                                    ).mapped("amount_residual")
                                ),
                            }
                        )
                        for order, row in by_order.items()
                    ],
                }
            )
        return self.create(vals_list)

    # ------------------------------------------------------------------ #
    # Orders and their open COD receivables
    # ------------------------------------------------------------------ #

    @api.model
    def _cod_find_orders(self, keys, company):
        """{key: sale.order} for the keys naming a cash-on-delivery order of
        `company`: the order's name, its delivery's name (also with a prefix
        and a retry suffix, as in Biteship's reference_id), the carrier's
        shipment id, a parcel's tracking number."""
        keys = {key.strip() for key in keys if key and key.strip()}
        if not keys:
            return {}
        Order = self.env["sale.order"].sudo()
        cod_company = [("company_id", "=", company.id), ("is_cod", "=", True)]
        found = {
            order.name: order
            for order in Order.search([("name", "in", list(keys)), *cod_company])
        }
        rest = keys - set(found)
        if rest:
            pickings = (
                self.env["stock.picking"]
                .sudo()
                .search(
                    [
                        ("sale_id.is_cod", "=", True),
                        ("company_id", "=", company.id),
                        "|",
                        "|",
                        ("name", "in", list(rest)),
                        ("carrier_shipment_id", "in", list(rest)),
                        ("parcel_ids.tracking_number", "in", list(rest)),
                    ]
                )
            )
            for picking in pickings:
                for key in [
                    picking.name,
                    picking.carrier_shipment_id,
                    *picking.parcel_ids.mapped("tracking_number"),
                ]:
                    if key in rest:
                        found[key] = picking.sale_id
            rest -= set(found)
        for key in rest:
            # A reference made of a prefix, the delivery's name and maybe a
            # retry number ("SHOP1-WH/OUT/00012-2"): the delivery whose name
            # ends it, when exactly one does.
            for candidate in dict.fromkeys([key, re.sub(r"-\d+$", "", key)]):
                self.env.cr.execute(
                    """SELECT DISTINCT p.sale_id FROM stock_picking p
                       JOIN sale_order s ON s.id = p.sale_id AND s.is_cod
                       WHERE p.company_id = %s AND length(%s) > length(p.name)
                         AND right(%s, length(p.name)) = p.name""",
                    [company.id, candidate, candidate],
                )
                sale_ids = [row[0] for row in self.env.cr.fetchall()]
                if len(sale_ids) == 1:
                    found[key] = Order.browse(sale_ids)
                    break
        return {key: order.with_env(self.env) for key, order in found.items()}

    @api.model
    def _cod_open_receivables(self, orders):
        """{order id: its COD receivable lines not fully reconciled} (the
        collection entries' debit lines on the company's COD receivable)."""
        if not orders:
            return {}
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("move_id.cod_sale_order_id", "in", orders.ids),
                    (
                        "account_id",
                        "in",
                        orders.company_id.cod_receivable_account_id.ids,
                    ),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("balance", ">", 0),
                ]
            )
        )
        result = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            result[line.move_id.cod_sale_order_id.id] |= line
        return dict(result)

    def _cod_flag_issues(self):
        """Short or missing amounts: a message and an activity on the order,
        so the shop claims the difference from the carrier."""
        activity_type = self.env.ref(
            "sale_order_fulfilment_cod_remittance.mail_activity_type_cod_short"
        )
        for line in self.line_ids.filtered(lambda l: l.state != "remitted"):
            order = line.sale_order_id.sudo()
            currency = line.currency_id
            if line.state == "missing":
                note = self.env._(
                    "Payout %(payout)s of %(partner)s lists this order without "
                    "paying its cash: %(outstanding)s still to remit.",
                    payout=line.remittance_id.name,
                    partner=line.remittance_id.partner_id.display_name,
                    outstanding=format_amount(self.env, line.outstanding, currency),
                )
            else:
                note = self.env._(
                    "Payout %(payout)s of %(partner)s remits %(amount)s of "
                    "%(due)s: %(outstanding)s short.",
                    payout=line.remittance_id.name,
                    partner=line.remittance_id.partner_id.display_name,
                    amount=format_amount(self.env, line.amount, currency),
                    due=format_amount(self.env, line.amount_to_remit, currency),
                    outstanding=format_amount(self.env, line.outstanding, currency),
                )
            order.cod_remittance_issue = line.state
            order.message_post(body=note)
            if not order.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ):
                order.activity_schedule(
                    activity_type_id=activity_type.id,
                    note=note,
                    user_id=(order.user_id or self.env.user).id,
                )

    # ------------------------------------------------------------------ #
    # Reconciliation with the bank statement line
    # ------------------------------------------------------------------ #

    def _cod_reconcile_bank(self, journal, create_statement_line):
        """Reconcile each waiting payout with its bank statement line: the one
        found (same amount, the payout's reference in its label, else the
        remitter's only line of that amount), or a new one in `journal` when
        asked. Returns the payouts reconciled."""
        reconciled = self.browse()
        StLine = self.env["account.bank.statement.line"]
        for payout in self.filtered(lambda p: p.state == "waiting"):
            st_line = payout._cod_find_statement_line(journal)
            if not st_line and create_statement_line and payout.amount_net > 0:
                st_line = StLine.with_context(cod_remittance_no_auto_match=True).create(
                    {
                        "journal_id": journal.id,
                        "date": payout.date,
                        "amount": payout.amount_net,
                        "partner_id": payout.partner_id.id,
                        "payment_ref": self.env._("COD payout %s", payout.name),
                    }
                )
            if st_line:
                payout._cod_book(st_line)
                reconciled |= payout
        return reconciled

    def _cod_find_statement_line(self, journal=None):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("is_reconciled", "=", False),
            ("amount", "=", self.amount_net),
            ("journal_id.type", "=", "bank"),
        ]
        if journal:
            domain.append(("journal_id", "=", journal.id))
        StLine = self.env["account.bank.statement.line"].sudo()
        by_reference = StLine.search(
            domain + [("payment_ref", "ilike", self.name)], order="date, id", limit=1
        )
        if by_reference or not self.partner_id:
            return by_reference.with_env(self.env)
        by_partner = StLine.search(
            domain + [("partner_id", "=", self.partner_id.id)], limit=2
        )
        return (by_partner if len(by_partner) == 1 else StLine.browse()).with_env(
            self.env
        )

    def _cod_book(self, st_line):
        """Replace the statement line's suspense line by the payout: credits on
        the COD receivable (one for the orders remitted in full, one per short
        order), reconciled with the orders' collection entries, and one expense
        debit per kind of fee. The statement line's entry then says what the
        money was, as a reconciled bank line does."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        __, suspense, other = st_line._seek_for_lines()
        if st_line.is_reconciled or other or len(suspense) != 1:
            raise UserError(
                self.env._(
                    "The bank statement line %s is already reconciled.",
                    st_line.display_name,
                )
            )
        if st_line.foreign_currency_id or st_line.currency_id != currency:
            raise UserError(
                self.env._(
                    "The bank statement line %(line)s is not in %(currency)s, "
                    "the currency of the COD receivables.",
                    line=st_line.display_name,
                    currency=currency.name,
                )
            )
        if currency.compare_amounts(st_line.amount, self.amount_net):
            raise UserError(
                self.env._(
                    "Payout %(payout)s pays out %(net)s; the bank statement line "
                    "%(line)s is %(amount)s.",
                    payout=self.name,
                    net=format_amount(self.env, self.amount_net, currency),
                    line=st_line.display_name,
                    amount=format_amount(self.env, st_line.amount, currency),
                )
            )
        open_lines = self._cod_open_receivables(self.line_ids.sale_order_id)
        AccountMoveLine = self.env["account.move.line"]
        account = company.cod_receivable_account_id
        # Orders remitted in full share one credit on the COD receivable, as
        # one customer payment settles many invoices: one journal item and
        # one reconciliation group for the whole payout, not one per order.
        # A short order gets its own credit, so that the shortfall stays on
        # that order's receivable whatever order core reconciles in.
        full_debits, short = AccountMoveLine, []
        for line in self.line_ids.filtered("amount"):
            debits = open_lines.get(line.sale_order_id.id, AccountMoveLine)
            outstanding = sum(debits.mapped("amount_residual"))
            difference = currency.compare_amounts(line.amount, outstanding)
            if difference > 0:
                raise UserError(
                    self._cod_too_large_message(
                        line.sale_order_id, self.name, line.amount, outstanding
                    )
                )
            if difference:
                short.append((line.sale_order_id.name, line.amount, debits))
            else:
                full_debits |= debits
        credits = []
        if full_debits:
            credits.append(
                (
                    self.env._(
                        "COD payout %(payout)s: %(count)s orders",
                        payout=self.name,
                        count=len(full_debits.move_id),
                    ),
                    sum(full_debits.mapped("amount_residual")),
                    full_debits,
                )
            )
        credits += short
        commands = [Command.unlink(suspense.id)]
        for label, amount, __ in credits:
            commands.append(
                Command.create(
                    {
                        "account_id": account.id,
                        "partner_id": self.partner_id.id,
                        "name": label,
                        "balance": -amount,
                        "amount_currency": -amount,
                        "currency_id": currency.id,
                    }
                )
            )
        for kind, amount, label in (
            ("cod", self.cod_fee, self.env._("COD fees, payout %s", self.name)),
            (
                "shipping",
                self.shipping_fee,
                self.env._("Shipping fees, payout %s", self.name),
            ),
        ):
            if currency.is_zero(amount):
                continue
            fee_account = company._cod_remittance_fee_account(kind)
            if not fee_account:
                raise UserError(
                    self.env._(
                        "Set the COD fee accounts of %s in the Invoicing settings.",
                        company.name,
                    )
                )
            commands.append(
                Command.create(
                    {
                        "account_id": fee_account.id,
                        "partner_id": self.partner_id.id,
                        "name": label,
                        "balance": amount,
                        "amount_currency": amount,
                        "currency_id": currency.id,
                        # given, not computed line by line (a query each)
                        "analytic_distribution": False,
                    }
                )
            )
        # Billing users reconcile journal items but may not write bank
        # statement lines (core's rights): the payout was checked above
        # against the line's amount and the open receivables.
        # Core logs each item added to a posted entry in its chatter: one
        # message per order for a payout of a thousand orders. The payout
        # holds the detail; the entry gets one message linking to it.
        st_line_sudo = st_line.sudo()
        st_line_sudo.with_context(
            force_delete=True, skip_readonly_check=True, tracking_disable=True
        ).write({"line_ids": commands})
        st_line_sudo.move_id._message_log(
            body=self.env._(
                "Reconciled with COD payout %(payout)s (%(count)s orders).",
                payout=self._get_html_link(),
                count=len(self.line_ids.filtered("amount")),
            )
        )
        new_credits = st_line_sudo.move_id.line_ids.filtered(
            lambda l: l.account_id == account and l.balance < 0
        ).sorted("id")
        # The orders' COD states follow once, after the whole reconciliation
        # (not once per batch of partials core creates; core works in the
        # plan's records' environment).
        deferred = new_credits.with_context(cod_defer_remitted_sync=True)
        plan = [
            (credit + debits).with_env(deferred.env)
            for credit, (__, __, debits) in zip(deferred, credits, strict=True)
        ]
        deferred._reconcile_plan(plan)
        self.env["sale.order"]._cod_sync_remitted(
            AccountMoveLine.union(*(debits for __, __, debits in credits))
        )
        self.write({"statement_line_id": st_line.id, "state": "reconciled"})
        self.message_post(
            body=self.env._(
                "Reconciled with the bank statement line %s.", st_line.display_name
            )
        )
        return True

    def action_open_statement_line(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
