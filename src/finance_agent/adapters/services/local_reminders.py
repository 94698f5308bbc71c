"""The local assistant's answers to a reminder: recorded only when clearly asked for, never
when told not to, and explained (nothing recorded) when only asked about."""

from __future__ import annotations

from decimal import Decimal

from finance_agent.adapters.services.local_customers import (
    Row,
    all_customers,
    find_customers,
    which_one,
)
from finance_agent.adapters.services.local_format import money
from finance_agent.adapters.services.local_requests import (
    customer_id,
    named_customer_id,
    reminder_arguments,
    reminder_mood,
)
from finance_agent.adapters.services.local_tools import Ask
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings

_HOW_TO_ASK = (
    'say for example "remind {who} to pay", optionally with an invoice '
    '("invoice INV-1234") and a date ("tomorrow", "on YYYY-MM-DD")'
)


def remind(ask: Ask) -> str:
    mood = reminder_mood(ask.text)
    message = ask.request.message
    if mood == "negated":
        named = named_customer_id(message)
        whom = f" for {named}" if named else ""
        return f"Understood: no reminder{whom}. Nothing was recorded."
    found: list[Row] = []
    currency = get_settings().currency
    strict = named_customer_id(message)
    if mood == "question" or strict is None:  # a name, or the past due to explain, needs the store
        rows, currency = all_customers(ask.tools)
        found = find_customers(message, rows)
        if len(found) > 1:
            return which_one(found)
    if mood == "question":
        return _explain(found[0] if found else None, strict, currency)
    arguments = reminder_arguments(message, clock.today())
    if strict is None and found:
        arguments["customer_id"] = str(found[0]["customer_id"])
    elif strict is None and (loose := customer_id(message)) is not None:
        arguments["customer_id"] = loose  # not in the store: the route says it is not found
    if "customer_id" not in arguments:
        how = _HOW_TO_ASK.format(who="<customer id>")
        return f"Which customer should I remind? To record a reminder, {how}."
    return _record(ask, arguments)


def _explain(row: Row | None, named: str | None, currency: str) -> str:
    """What a reminder would do, for a question about one: nothing is recorded."""
    who = f"{row['customer_name']} ({row['customer_id']})" if row else named or "a customer"
    owed = f" I found no customer {named}." if named and row is None else ""
    if row is not None:
        due = Decimal(str(row["total"])) - Decimal(str(row["current"]))
        owed = (
            f" {who} has {money(due, currency)} past due."
            if due
            else f" {who} has nothing past due."
        )
    target = str(row["customer_id"]) if row else named or "<customer id>"
    return (
        f"I recorded nothing: you asked about a reminder, not for one.{owed} A reminder records "
        f"a pending collection reminder for {who} in the actions log, to go out on the date "
        f"given (today if none), once per customer, invoice and date; it needs the "
        f"agent:actions permission. To record one, {_HOW_TO_ASK.format(who=target)}."
    )


def _record(ask: Ask, arguments: dict[str, str]) -> str:
    action = ask.tools.call("create_collection_reminder", **arguments)
    payload = action.get("payload") or {}
    invoice = f", invoice {payload['invoice_id']}" if payload.get("invoice_id") else ""
    who = f"{payload.get('customer_name') or 'the customer'} ({payload.get('customer_id')})"
    owed = ""
    if payload.get("amount_past_due") is not None:
        owed = f"; past due: {money(payload['amount_past_due'], get_settings().currency)}"
    if ask.tools.last_status == 201:
        recorded = "Done: I recorded a collection reminder"
    else:
        recorded = "That reminder was already recorded, so nothing new was added: a reminder"
    return (
        f"{recorded} for {who}{invoice}, to go out on {payload.get('remind_date')}{owed}. "
        f"Action {action['action_id']}, status {action['status']}."
    )
