"""The local assistant's answers about what customers owe: overdue customers, one customer's
balance, and all that customers owe, with what is past due said apart."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from finance_agent.adapters.chat.local import intents
from finance_agent.adapters.chat.local.answers.customers import (
    Row,
    all_customers,
    describe,
    find_customers,
    which_one,
)
from finance_agent.adapters.chat.local.format import LISTED, money
from finance_agent.adapters.chat.local.requests import named_customer_id
from finance_agent.adapters.chat.local.tools import Ask

_BUCKETS = ((1, "days_1_30"), (31, "days_31_60"), (61, "days_61_90"), (91, "days_over_90"))


def owed_at_least(row: Mapping[str, Any], min_days: int) -> Decimal:
    """What a customer owes at least ``min_days`` past due, by the route's own bucket rule."""
    if min_days <= 0:
        return Decimal(str(row["total"]))
    first = max(i for i, (low, _) in enumerate(_BUCKETS) if low <= min_days)
    return sum((Decimal(str(row[name])) for _, name in _BUCKETS[first:]), Decimal(0))


def overdue(ask: Ask) -> str:
    rows, cur = all_customers(ask.tools)
    found = find_customers(ask.request.message, rows)
    if len(found) > 1:
        return which_one(found)
    if found:
        row = found[0]
        if not re.search(r"^\W*(?:is|are|does|has)\b.*\b(?:overdue|past[\s-]due|late)\b", ask.text):
            return describe(row, cur)
        # A yes-or-no question gets its yes or no first.
        late = owed_at_least(row, 1) > 0
        return f"{'Yes' if late else 'No'}: {describe(row, cur)}"
    if (named := named_customer_id(ask.request.message)) is not None:
        return f"I found no customer {named} with an account in the receivables."
    if intents.asks_total_owed(ask.text):
        return _total_owed(rows, cur)
    min_days, words = intents.overdue_threshold(ask.text)
    min_days, words, note = _nearest_bucket(min_days, words)
    owed = sorted(
        ((amount, c) for c in rows if (amount := owed_at_least(c, min_days)) > 0),
        key=lambda pair: (-pair[0], pair[1]["customer_id"]),
    )
    if not owed:
        return f"No customer owes anything {words}."
    total = sum((amount for amount, _ in owed), Decimal(0))
    named_list = "; ".join(
        f"{c['customer_name']} ({c['customer_id']}) {money(amount, cur)}"
        for amount, c in owed[:LISTED]
    )
    more = f"; and {len(owed) - LISTED} more" if len(owed) > LISTED else ""
    who = "1 customer owes" if len(owed) == 1 else f"{len(owed)} customers owe"
    return (
        f"{who} money {words}, {money(total, cur)} in all. The largest: {named_list}{more}.{note}"
    )


def _nearest_bucket(min_days: int, words: str) -> tuple[int, str, str]:
    """The aging buckets start at 1, 31, 61 and 91 days past due: a threshold inside one
    counts that whole bucket, so the answer names the bucket's limit, not the number asked."""
    low = max(low for low, _ in _BUCKETS if low <= max(min_days, 1))
    if low == min_days:
        return min_days, words, ""
    said = "past due" if low == 1 else f"more than {low - 1} days past due"
    give = "1 day or more past due" if low == 1 else said
    asked = words.replace(" past due", "")
    return (
        low,
        said,
        f" You asked for {asked}: the aging buckets (1-30, 31-60, 61-90, over 90 days) "
        f"give {give}, the nearest they allow, so this counts whole buckets.",
    )


def _total_owed(rows: list[Row], cur: str) -> str:
    """All that customers owe (receivables), with what is past due said apart."""
    total = sum((Decimal(str(r["total"])) for r in rows), Decimal(0))
    if total == 0:
        return "Customers owe nothing: there are no open receivables."
    past_due = sum((owed_at_least(r, 1) for r in rows), Decimal(0))
    over_60 = sum((owed_at_least(r, 61) for r in rows), Decimal(0))
    owing = sum(1 for r in rows if Decimal(str(r["total"])) > 0)
    return (
        f"Customers owe {money(total, cur)} in all (total receivables, {owing} customers). "
        f"Of that, {money(past_due, cur)} is past due, {money(over_60, cur)} of it more than "
        f"60 days; the rest, {money(total - past_due, cur)}, is not yet due."
    )
