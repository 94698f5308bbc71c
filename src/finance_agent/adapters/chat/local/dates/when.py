"""The day a reminder is for, read exactly from the words that give it: "tomorrow",
"on Monday" (the next such day), "in two weeks", "on 1 December", "December 1",
"2026-12-04", "12/20/2026" and "end of month". Anything else, or a date that reads two ways
(12/01/2026: 1 December or 12 January), is not read: the caller asks for YYYY-MM-DD rather
than guess. Pure text work on a normalized phrase ("two" already "2")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from finance_agent.adapters.chat.local.dates.calendar import (
    DAY_SAID,
    MONTH_SAID,
    WEEKDAYS,
    month_number,
    slashed,
)

_YEAR = r"(?:,?\s+(\d{4}))?"
_LEAD = r"^(?:(?:on|by|for|at|the|this|coming)\s+)*"
_UNIT_DAYS = {"day": 1, "week": 7}


@dataclass(frozen=True)
class When:
    """The day read (``day``), or why none was (``problem``, said to the user)."""

    day: date | None = None
    problem: str | None = None


def _dated(year: str | None, month: int, day: int, today: date) -> date | None:
    """The day, in the year said, else the next such day from today on."""
    try:
        if year:
            return date(int(year), month, day)
        said = date(today.year, month, day)
        return said if said >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def _numeric(first: int, second: int, year: int) -> When:
    """A date with slashes, read only when it reads one way."""
    readings = slashed(first, second, year)
    if len(readings) == 1:
        return When(day=readings.pop())
    if not readings:
        return When(problem="it is not a calendar date")
    return When(problem="it reads two ways (day/month or month/day)")


def read_when(phrase: str, today: date) -> When:
    """The day a normalized ``phrase`` gives; an empty phrase is today."""
    said = re.sub(_LEAD, "", phrase.strip(" ,.")).strip()
    if not said or said in ("today", "now", "right away", "right now", "asap"):
        return When(day=today)
    if said == "tomorrow":
        return When(day=today + timedelta(days=1))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})", said):
        try:
            return When(day=date.fromisoformat(m.group(1)))
        except ValueError:
            return When(problem="it is not a calendar date")
    if m := re.fullmatch(r"(?:next\s+)?(" + "|".join(WEEKDAYS) + ")", said):
        # The next such day after today: "on Monday" on a Monday is a week ahead.
        return When(day=today + relativedelta(days=1, weekday=WEEKDAYS.index(m.group(1))))
    if m := re.fullmatch(r"in\s+(\d{1,3})\s+(day|week)s?", said):
        return When(day=today + timedelta(days=int(m.group(1)) * _UNIT_DAYS[m.group(2)]))
    if re.fullmatch(r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month", said):
        return When(day=today + relativedelta(day=31))
    if m := re.fullmatch(rf"{DAY_SAID}\s+(?:of\s+)?{MONTH_SAID}{_YEAR}", said):
        day, month, year = m.group(1), month_number(m.group(2)), m.group(3)
    elif m := re.fullmatch(rf"{MONTH_SAID}\s+{DAY_SAID}{_YEAR}", said):
        day, month, year = m.group(2), month_number(m.group(1)), m.group(3)
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", said):
        return _numeric(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    else:
        return When(problem="it names no single day")
    found = _dated(year, month, int(day), today)
    return When(day=found) if found else When(problem="it is not a calendar date")
