"""The sentences of the problems remittance_file and remittance_plan report
(codes with values), translated in the user's language."""

from odoo.tools.misc import format_amount

AMOUNTS = ("amount", "outstanding", "claimed", "net", "expected")

# Reading the file
FILE_MESSAGES = {
    "nul_byte": lambda env, v: env._(
        "line %(line)s holds a NUL byte: this is not a text (CSV) file, or "
        "its text is UTF-16 without its byte-order mark. Save it as CSV UTF-8 "
        "or as Excel .xlsx.",
        **v,
    ),
    "not_utf8": lambda env, v: env._(
        "line %(line)s: byte %(byte)s is not UTF-8 text. Save the file as CSV "
        "UTF-8 or as Excel .xlsx.",
        **v,
    ),
    "not_utf16": lambda env, v: env._(
        "line %(line)s is not UTF-16 text, although the file starts as such.",
        **v,
    ),
    "empty": lambda env, v: env._("the file is empty", **v),
    "bad_xlsx": lambda env, v: env._("the Excel file cannot be read (%(error)s)", **v),
    "no_order_column": lambda env, v: env._(
        "no column names the order (expected one of: %(columns)s)", **v
    ),
    "no_amount_column": lambda env, v: env._(
        "no amount column (expected one of: %(columns)s)", **v
    ),
    "not_amount": lambda env, v: env._(
        "line %(line)s: %(value)s is not an amount", **v
    ),
    "not_date": lambda env, v: env._("line %(line)s: %(value)s is not a date", **v),
    "no_order": lambda env, v: env._("line %(line)s: no order given", **v),
}

# Planning a payout from a file
PLAN_MESSAGES = {
    "unknown_order": lambda env, v: env._(
        "line %(line)s: no cash-on-delivery order of %(company)s matches %(keys)s",
        **v,
    ),
    "no_reference": lambda env, v: env._(
        "line %(line)s: no payout reference (give one in the reference column "
        "or in the import)",
        **v,
    ),
    "negative": lambda env, v: env._(
        "line %(line)s: amounts and fees cannot be negative", **v
    ),
    "net_mismatch": lambda env, v: env._(
        "line %(line)s: the net amount %(net)s is not the amount minus the fees "
        "(%(expected)s)",
        **v,
    ),
    "already_imported": lambda env, v: env._(
        "payout %(payout)s was already imported with other orders: a payout is "
        "imported once, whole",
        **v,
    ),
    "same_content": lambda env, v: (
        env._(
            "payout %(payout)s has the same lines (orders, amounts, dates) as "
            "payout %(existing)s, imported from %(filename)s: a payout is "
            "imported once, whatever the name of its file",
            **v,
        )
        if v.get("filename")
        else env._(
            "payout %(payout)s has the same lines (orders, amounts, dates) as "
            "payout %(existing)s, already imported: a payout is imported once",
            **v,
        )
    ),
    "claimed": lambda env, v: env._(
        "%(order)s: payout %(payout)s remits %(amount)s, but payout "
        "%(claimed_by)s, waiting for its bank line, already claims %(claimed)s "
        "of it: %(outstanding)s left to remit",
        **v,
    ),
    "not_collected": lambda env, v: env._(
        "%(order)s: payout %(payout)s remits %(amount)s but nothing of it was "
        "collected (COD state: %(state)s)",
        **v,
    ),
    "too_large": lambda env, v: env._(
        "%(order)s: payout %(payout)s remits %(amount)s, more than the "
        "%(outstanding)s collected and not remitted yet",
        **v,
    ),
    "several_remitters": lambda env, v: env._(
        "payout %(payout)s covers the cash of several remitters (%(partners)s): "
        "one payout comes from one carrier or aggregator",
        **v,
    ),
}

# Reading a payout from a bank statement line's label (`line`: the line)
LABEL_MESSAGES = {
    "label_nothing_left": lambda env, v: env._(
        "%(line)s names %(order)s, which has no collected cash left to remit.",
        **v,
    ),
    "label_claimed": lambda env, v: env._(
        "%(line)s names %(order)s, whose cash payout %(claimed_by)s already "
        "claims: that payout waits for its bank line (same amount, its "
        "reference in the label).",
        **v,
    ),
    "label_amount": lambda env, v: env._(
        "%(line)s pays %(amount)s for %(orders)s, which come to %(expected)s "
        "after their COD fees: import the payout's remittance file to say what "
        "was short or deducted.",
        **v,
    ),
    "label_several_remitters": lambda env, v: env._(
        "%(line)s names orders of several carriers: one payout comes from one "
        "carrier or aggregator.",
        **v,
    ),
}

MESSAGES = {**FILE_MESSAGES, **PLAN_MESSAGES, **LABEL_MESSAGES}


def problem_message(env, problem, currency, **extra):
    """The sentence of a `Problem`; `extra` fills values the planner does not
    know (the company's name, the bank line's name)."""
    values = {**problem.params, "line": problem.line, **extra}
    for name in AMOUNTS:
        if name in values:
            values[name] = format_amount(env, values[name], currency)
    if "value" in values:
        values["value"] = repr(values["value"])
    if "partner_ids" in values:
        partners = env["res.partner"].sudo().browse(values["partner_ids"])
        values["partners"] = ", ".join(partners.mapped("display_name"))
    if "state" in values:
        states = dict(
            env["sale.order"]._fields["cod_state"]._description_selection(env)
        )
        values["state"] = states.get(values["state"], values["state"])
    return MESSAGES[problem.code](env, values)
