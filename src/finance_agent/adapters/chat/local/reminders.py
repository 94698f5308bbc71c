"""The local assistant's answers to a reminder: recorded only when clearly asked for, never
when told not to, and explained (nothing recorded) when only asked about."""

from __future__ import annotations

import re
from decimal import Decimal

from finance_agent.adapters.chat.local.answers.customers import (
    Row,
    all_customers,
    find_customers,
    which_one,
)
from finance_agent.adapters.chat.local.commands import Command, read_command
from finance_agent.adapters.chat.local.dates.when import read_when
from finance_agent.adapters.chat.local.format import money
from finance_agent.adapters.chat.local.requests import (
    named_customer_id,
    reminder_mood,
    said_id,
)
from finance_agent.adapters.chat.local.tools import Ask
from finance_agent.adapters.chat.local.words import normalize
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
    command = read_command(message) if mood == "request" else None
    found: list[Row] = []
    currency = get_settings().currency
    strict = said_id(command.customer) if command else named_customer_id(message)
    if strict is None:  # a name, or the past due to explain, needs the store
        rows, currency = all_customers(ask.tools)
        found = find_customers(command.customer if command else message, rows)
        if len(found) > 1:
            return which_one(found)
    elif mood == "question":
        rows, currency = all_customers(ask.tools)
        found = find_customers(strict, rows)
    target = strict or (str(found[0]["customer_id"]) if found else None)
    if mood == "question":
        return _explain(found[0] if found else None, strict, currency)
    if command is None:
        return _not_a_command(target)
    when = read_when(normalize(command.when), clock.today())
    if when.day is None:
        return _no_date(command, target, when.problem or "")
    arguments = {"remind_date": when.day.isoformat()}
    if command.invoice:
        arguments["invoice_id"] = command.invoice
    if target is None and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", command.customer):
        target = command.customer  # not in the store: the route says it is not found
    if target is None:
        return f'I recorded nothing: I found no customer named "{command.customer}".'
    return _record(ask, {"customer_id": target, **arguments})


def _send(target: str | None, command: Command | None, on: str = "") -> str:
    invoice = f" invoice {command.invoice}" if command and command.invoice else ""
    return f"remind {target or '<customer id>'} to pay{invoice}{on}"


def _not_a_command(target: str | None) -> str:
    """A message that mentions reminding but is not a command: say what would record it."""
    if target is None:
        return (
            "Which customer should I remind? I recorded nothing. To record a reminder, send: "
            f"{_send(None, None)} (optionally with an invoice and a date, e.g. on YYYY-MM-DD)"
        )
    return (
        "I recorded nothing: I record a reminder only when the whole message asks for one, "
        "for one customer, and this one says something else too or asks it another way. "
        f"To record it, send: {_send(target, None)}"
    )


def _no_date(command: Command, target: str | None, problem: str) -> str:
    if not re.search(_DATE_WORDS, command.when, re.IGNORECASE):
        return (
            f'I recorded nothing: "{command.when.strip()}" is more than a reminder request, '
            "and I record one only when the whole message asks for it. To record it, send: "
            f"{_send(target, command)}"
        )
    return (
        f'I recorded nothing: I could not read "{command.when.strip()}" as one date ({problem}). '
        f"Write the date as YYYY-MM-DD. To record it, send: "
        f"{_send(target, command, ' on YYYY-MM-DD')}"
    )


# Words that try to give a date: what follows them is asked for as YYYY-MM-DD.
_DATE_WORDS = (
    r"\d|\b(?:\w*day|weeks?|months?|years?|next|end|tomorrow|on|by|in"
    r"|jan\w*|feb\w*|mar|march|apr\w*|may|june?|july?|aug\w*|sept?\w*|oct\w*|nov\w*|dec\w*)\b"
)


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
