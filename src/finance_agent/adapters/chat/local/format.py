"""How the local assistant says figures: amounts with their currency, ratios as percentages,
and a change against an earlier figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

LISTED = 5  # customers or days named in one answer; the rest are counted


def money(value: Any, currency: str) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f} {currency}"


def percent(ratio: Any) -> str:
    return f"{(Decimal(str(ratio)) * 100).quantize(Decimal('0.01'))}%"


def trend(now: Any, before: Any) -> str:
    now_d, before_d = Decimal(str(now)), Decimal(str(before))
    if before_d == 0:
        return ""
    change = ((now_d - before_d) / before_d * 100).quantize(Decimal("0.1"))
    if change == 0:
        return "unchanged from"
    return f"{'up' if change > 0 else 'down'} {abs(change)}% on"


def during(label: str, start: object, end: object) -> str:
    """The start of a sentence about a period: "In the last 14 days (a to b)", and for one
    day "Today (a)"."""
    if str(start) == str(end):
        return f"{label[0].upper()}{label[1:]} ({start})"
    return f"In {label} ({start} to {end})"
