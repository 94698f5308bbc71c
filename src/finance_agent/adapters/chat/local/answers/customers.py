"""Customers named in a message, found in the store's receivables (by id, full name or an
unambiguous start of the name, any case), and one customer's receivables said in words."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from finance_agent.adapters.chat.local.format import money
from finance_agent.adapters.chat.local.tools import Tools

Row = Mapping[str, Any]
# Words that start no customer's name in a question, whatever the store holds.
_NOT_A_NAME_START = {
    "the", "a", "an", "to", "of", "and", "or", "for", "in", "on", "at", "by", "is", "are",
    "customer", "customers", "llc", "inc", "ltd", "co", "corp", "company", "group",
}  # fmt: skip


def all_customers(tools: Tools) -> tuple[list[Row], str]:
    """Every customer with a balance, from the aging route (0: no overdue filter)."""
    aging = tools.call("get_ar_aging", min_days_overdue=0)
    return list(aging["customers"]), str(aging["currency"])


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _longest_run(said: Sequence[str], name: Sequence[str]) -> int:
    """How many words of ``name``, from its first, appear in a row somewhere in ``said``."""
    best = 0
    for i in range(len(said)):
        k = 0
        while k < len(name) and i + k < len(said) and said[i + k] == name[k]:
            k += 1
        best = max(best, k)
    return best


def find_customers(message: str, rows: Sequence[Row]) -> list[Row]:
    """The customers the message names: one, several when the words fit more than one
    name equally well (ask which), or none."""
    said = _words(message)
    by_id = [r for r in rows if str(r["customer_id"]).lower() in said]
    if by_id:
        return by_id
    scored: list[tuple[int, bool, Row]] = []
    for row in rows:
        name = _words(str(row["customer_name"]))
        if not name or name[0] in _NOT_A_NAME_START:
            continue
        run = _longest_run(said, name)
        if run:
            scored.append((run, run == len(name), row))
    if not scored:
        return []
    full = [row for _, whole, row in scored if whole]
    if full:
        return full
    best = max(run for run, _, _ in scored)
    return [row for run, _, row in scored if run == best]


def which_one(found: Sequence[Row]) -> str:
    names = "; ".join(f"{r['customer_name']} ({r['customer_id']})" for r in found)
    return f"That name fits more than one customer: {names}. Which one do you mean?"


def describe(row: Row, currency: str) -> str:
    """One customer's receivables: the total, what is past due, and the aging buckets."""
    who = f"{row['customer_name']} ({row['customer_id']})"
    total = Decimal(str(row["total"]))
    past_due = total - Decimal(str(row["current"]))
    if total == 0:
        return f"{who} owes nothing: no open balance."
    buckets = (
        f"{money(row['current'], currency)} not yet due, "
        f"{money(row['days_1_30'], currency)} 1-30 days past due, "
        f"{money(row['days_31_60'], currency)} 31-60 days, "
        f"{money(row['days_61_90'], currency)} 61-90 days and "
        f"{money(row['days_over_90'], currency)} more than 90 days"
    )
    if past_due == 0:
        return f"{who} has nothing past due: it owes {money(total, currency)}, all not yet due."
    return (
        f"{who} owes {money(total, currency)}, of which {money(past_due, currency)} is past "
        f"due: {buckets}."
    )


_ABOUT_AN_ACCOUNT = (
    r"\b(?:balance|a/?r|receivables?|late|owe\w*|owing|pay\w*|outstanding|account|credit)\b"
)


def about_a_customer(tools: Tools, message: str, text: str) -> bool:
    """Whether a question about an account ("balance of summit builders", "is Acme Foods
    late on payments?") names a customer the receivables hold."""
    if not re.search(_ABOUT_AN_ACCOUNT, text):
        return False
    rows = tools.look_up("get_ar_aging", min_days_overdue=0)["customers"]
    return bool(find_customers(message, rows))
