import base64
import binascii

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .. import remittance_file, remittance_plan
from .cod_remittance_messages import problem_message

MAX_ERRORS_SHOWN = 30


class CodRemittance(models.Model):
    """Importing a remittance file (wizard, XML-RPC): read it
    (remittance_file), plan it (remittance_plan) with the facts of the
    database, then create and book the payouts, or nothing."""

    _inherit = "cod.remittance"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cod_remittance_formats(self):
        """Hook: the layouts a remittance file may have (remittance_file's
        FileFormat). Provider bridges add theirs (an aggregator's COD
        export)."""
        # e.g. delivery_biteship_cod_remittance adds Biteship's COD export
        return [remittance_file.GENERIC]

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
        :param filename: its name (".xlsx" reads it as Excel); payouts of a
            file without references are named after it
        :param reference: payout reference of rows without a reference column
        :param journal_id: bank journal of the payout's statement line
        :param create_statement_line: create that line when the bank statement
            has none yet (needs the right to create bank statement lines)
        :return: {"payouts": [ids], "reconciled": [ids], "waiting": [ids],
            "rows": int, "duplicates": int, "issues": [{"order", "state",
            "amount", "outstanding"}]} (JSON-safe)
        """
        self.check_access("create")
        currency = self.env.company.currency_id
        file_label = filename or self.env._("The file")
        try:
            raw = base64.b64decode(content or "", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(
                self.env._("The file must be sent base64-encoded.")
            ) from error
        try:
            rows, problems = remittance_file.parse_rows(
                raw, filename, self._cod_remittance_formats()
            )
        except remittance_file.FileError as error:
            raise UserError(
                self.env._(
                    "%(file)s cannot be imported: %(error)s",
                    file=file_label,
                    error=problem_message(self.env, error.problem, currency),
                )
            ) from error
        journal = self._cod_import_journal(journal_id, create_statement_line)
        plan = self._cod_plan_file(rows, problems, reference, filename)
        if plan.problems:
            raise self._cod_nothing_imported(
                filename or self.env._("the file"), plan.problems
            )
        # All or nothing: a failure while booking (a closed period, a missing
        # fee account) leaves no payout half-written even when the caller
        # catches the error and goes on in the same transaction.
        with self.env.cr.savepoint():
            records = self._cod_create_payouts(plan.payouts, filename)
            records._cod_flag_issues()
            reconciled = records._cod_reconcile_bank(journal, create_statement_line)
        return {
            "payouts": records.ids,
            "reconciled": reconciled.ids,
            "waiting": (records - reconciled).ids,
            "rows": len(rows),
            "duplicates": plan.duplicates,
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

    @api.model
    def _cod_import_journal(self, journal_id, create_statement_line):
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
        return journal

    @api.model
    def _cod_plan_file(self, rows, problems, reference, filename):
        """The facts of the database the planner needs, and its plan."""
        company = self.env.company
        money = self._cod_money()
        orders_by_key = self.env["sale.order"]._cod_remittance_find_orders(
            {key for row in rows for key in row.keys}, company
        )
        # Without any reference the payouts are named after the file: a
        # name, not an identity (the same file saved twice has two names).
        name_hint = "" if reference else (filename or "").rsplit(".", 1)[0].strip()
        payouts, group_problems = remittance_plan.group_file(
            rows,
            {key: order.id for key, order in orders_by_key.items()},
            money,
            reference=reference,
            name_hint=name_hint,
        )
        orders = self.env["sale.order"].browse(
            sorted({line.order_id for payout in payouts for line in payout.lines})
        )
        self._cod_claim_orders(orders)
        return remittance_plan.plan_file(
            payouts,
            problems + group_problems,
            self._cod_balances(orders),
            self._cod_existing_payouts(
                company,
                {payout.name for payout in payouts},
                {payout.fingerprint for payout in payouts},
            ),
            money,
            filename=filename,
            taken_names=(
                self._cod_names_like(company, name_hint)
                if any(not payout.named for payout in payouts)
                else ()
            ),
        )

    @api.model
    def _cod_nothing_imported(self, file_label, problems):
        company = self.env.company
        errors = [
            problem_message(
                self.env, problem, company.currency_id, company=company.name
            )
            for problem in problems
        ]
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(self.env._("... and %s more.", len(errors) - MAX_ERRORS_SHOWN))
        return UserError(
            self.env._(
                "Nothing was imported from %(file)s:\n%(errors)s",
                file=file_label,
                errors="\n".join(shown),
            )
        )

    @api.model
    def _cod_create_payouts(self, payouts, filename):
        today = fields.Date.context_today(self)
        return self.create(
            [
                {
                    "name": payout.name,
                    "source": "file",
                    "filename": filename,
                    "partner_id": payout.remitter_id,
                    "date": payout.date or today,
                    "fingerprint": payout.fingerprint,
                    "line_ids": [
                        Command.create(
                            {
                                "sale_order_id": line.order_id,
                                "file_reference": line.key,
                                "amount": line.amount,
                                "cod_fee": line.cod_fee,
                                "shipping_fee": line.shipping_fee,
                                "paid_date": line.paid_date,
                                "amount_to_remit": line.to_remit,
                            }
                        )
                        for line in payout.lines
                    ],
                }
                for payout in payouts
            ]
        )
