"""Which days a ledger figure can be asked for: the first invoice's issue date to today.

Before the first invoice the books say nothing (every figure would be a silent zero); after
today they would have to guess what is paid by then. Both are refused, naming the rule.
"""

from __future__ import annotations

import re
from datetime import date

from finance_agent.domain.errors import ValidationError

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(field: str, value: date | str) -> date:
    """A date, or text written YYYY-MM-DD (only that: no week dates nor 20260131)."""
    if isinstance(value, date):
        return value
    try:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, "must be a date as YYYY-MM-DD") from None


def check_as_of(
    value: date | str | None, *, today: date, first_issue: date | None, field: str = "as_of"
) -> date:
    """``value`` (default today) when it lies from ``first_issue`` to ``today``.

    With no invoice yet any day up to today is accepted: there is nothing to misstate.
    """
    if value is None:
        return today
    day = parse_day(field, value)
    if day > today:
        raise ValidationError(field, f"must not be after today ({today.isoformat()})")
    if first_issue is not None and day < first_issue:
        raise ValidationError(
            field,
            f"must not be before the first invoice's issue date ({first_issue.isoformat()})",
        )
    return day
