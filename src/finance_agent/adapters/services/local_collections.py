"""The local assistant's answers about collecting what is owed: overdue customers, the
actions recorded so far, and a new collection reminder, said in sentences."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from finance_agent.adapters.services import local_intents as intents
from finance_agent.adapters.services.local_format import LISTED, money
from finance_agent.adapters.services.local_tools import Ask
from finance_agent.shared import clock

_BUCKETS = ((1, "days_1_30"), (31, "days_31_60"), (61, "days_61_90"), (91, "days_over_90"))


def owed_at_least(row: Mapping[str, Any], min_days: int) -> Decimal:
    """What a customer owes at least ``min_days`` past due, by the route's own bucket rule."""
    if min_days <= 0:
        return Decimal(str(row["total"]))
    first = max(i for i, (low, _) in enumerate(_BUCKETS) if low <= min_days)
    return sum((Decimal(str(row[name])) for _, name in _BUCKETS[first:]), Decimal(0))


def overdue(ask: Ask) -> str:
    min_days, words = intents.overdue_threshold(ask.text)
    a = ask.tools.call("get_ar_aging", min_days_overdue=min_days)
    cur = a["currency"]
    owed = sorted(
        ((owed_at_least(c, min_days), c) for c in a["customers"]),
        key=lambda pair: (-pair[0], pair[1]["customer_id"]),
    )
    if not owed:
        return f"No customer owes anything {words}."
    total = sum((amount for amount, _ in owed), Decimal(0))
    named = "; ".join(
        f"{c['customer_name']} ({c['customer_id']}) {money(amount, cur)}"
        for amount, c in owed[:LISTED]
    )
    more = f"; and {len(owed) - LISTED} more" if len(owed) > LISTED else ""
    who = "1 customer owes" if len(owed) == 1 else f"{len(owed)} customers owe"
    return f"{who} money {words}, {money(total, cur)} in all. The largest: {named}{more}."


def actions(ask: Ask) -> str:
    limit = min(max(intents.actions_limit(ask.text), 1), 100)
    page = ask.tools.call("list_actions", limit=limit)
    items = page["items"]
    if not items:
        return "No action has been recorded yet."
    lines = [_describe_action(item) for item in items]
    head = "The most recent action" if len(items) == 1 else f"The {len(items)} most recent actions"
    return f"{head}, newest first:\n" + "\n".join(f"- {line}" for line in lines)


def _describe_action(item: Mapping[str, Any]) -> str:
    payload = item.get("payload") or {}
    when = str(item["created_at"])[:10]
    what = str(item["action"]).replace("_", " ")
    if payload.get("customer_id"):
        what += f" for {payload.get('customer_name') or 'customer'} ({payload['customer_id']})"
    if payload.get("invoice_id"):
        what += f", invoice {payload['invoice_id']}"
    if payload.get("remind_date"):
        what += f", reminding on {payload['remind_date']}"
    return f"{when}: {what}, by {item['performed_by']} ({item['status']})"


def remind(ask: Ask) -> str:
    arguments = intents.reminder_arguments(ask.request.message, clock.today())
    if "customer_id" not in arguments:
        return (
            'Which customer should I remind? Say for example "remind <customer id> to pay", '
            "optionally with an invoice and a date."
        )
    action = ask.tools.call("create_collection_reminder", **arguments)
    payload = action.get("payload") or {}
    invoice = f", invoice {payload['invoice_id']}" if payload.get("invoice_id") else ""
    who = f"{payload.get('customer_name') or 'the customer'} ({payload.get('customer_id')})"
    owed = ""
    if payload.get("amount_past_due") is not None:
        from finance_agent.shared.settings import get_settings

        owed = f"; past due: {money(payload['amount_past_due'], get_settings().currency)}"
    if ask.tools.last_status == 201:
        recorded = "Done: I recorded a collection reminder"
    else:
        recorded = "That reminder was already recorded, so nothing new was added: a reminder"
    return (
        f"{recorded} for {who}{invoice}, to go out on {payload.get('remind_date')}{owed}. "
        f"Action {action['action_id']}, status {action['status']}."
    )
