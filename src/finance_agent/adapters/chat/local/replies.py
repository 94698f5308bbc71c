"""The local assistant's answers that hold no figure: the help text, and why a route refused."""

from __future__ import annotations

import re

from finance_agent.adapters.chat.local.format import money
from finance_agent.adapters.chat.local.tools import ToolError
from finance_agent.shared.settings import get_settings

HELP = (
    "I'm the offline finance assistant: I answer from this company's records without a "
    "language model, so I understand a few kinds of questions. Ask me about:\n"
    '- revenue, gross margin and receivables for a period, e.g. "revenue in the last thirty '
    'days", "margin this month", "KPIs for the past two weeks", "revenue in October";\n'
    '- the cash outlook, e.g. "cash forecast for the next quarter";\n'
    '- unusual sales days, e.g. "any unusual days in the last two months?";\n'
    '- overdue customers, e.g. "which customers are more than sixty days overdue?", or one '
    'customer, "how much does <customer id or name> owe?";\n'
    '- recent actions, e.g. "show the recent actions";\n'
    '- reminders, one customer at a time, sent as a command of their own, e.g. "remind '
    '<customer id or name> to pay", with a date if wanted (tomorrow, on Monday, in two weeks, '
    "end of month or YYYY-MM-DD); this needs the agent:actions permission."
)
NO_BULK_REMINDERS = (
    "I can't do that: I record one reminder per request, for one customer you name, e.g. "
    '"remind <customer id> to pay". Nothing was recorded. To see who to remind, ask '
    '"which customers are more than ninety days overdue?".'
)
NO_DELETING = (
    "I can't do that: recorded actions cannot be deleted, cancelled or changed, by me or "
    "through the API; they are the record of what was done. Nothing was changed. I can list "
    'them ("show the recent actions") or record a reminder for one customer you name.'
)
NO_PERMISSION = (
    "I can't record that reminder: your access lacks the agent:actions permission that "
    "recording actions needs. Ask an administrator for it; I can still answer questions "
    "about the figures."
)


def refusal(exc: ToolError) -> str:
    if exc.status == 403:
        if exc.operation_id == "create_collection_reminder":
            return NO_PERMISSION
        return "I can't do that: your access lacks the permission it needs."
    if exc.status == 400:
        details = exc.body.get("details") or []
        rules = "; ".join(f"{d.get('field')} {d.get('rule')}" for d in details)
        return f"I could not do that: {rules or exc.body.get('message', 'invalid input')}."
    if exc.status == 409 and exc.operation_id == "create_collection_reminder":
        # The API refuses to chase money not yet owed: say so, in its words, with no "Done".
        said = str(exc.body.get("message", "the API refused it"))
        currency = get_settings().currency
        said = re.sub(r"(?<![\w.])\d+\.\d{2}(?![\w.])", lambda m: money(m.group(0), currency), said)
        return f"I recorded no reminder: {said}."
    if exc.status == 404:
        return f"I could not find it: {exc.body.get('message', 'not found')}."
    return f"I could not do that: {exc.body.get('message', 'the request was refused')}."
