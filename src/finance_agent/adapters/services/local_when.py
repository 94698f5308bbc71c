"""The day a reminder is for, read exactly from the words that give it: "tomorrow",
"on Monday" (the next such day), "in two weeks", "on 1 December", "December 1",
"2026-12-04", "12/20/2026" and "end of month". Anything else, or a date that reads two ways
(12/01/2026: 1 December or 12 January), is not read: the caller asks for YYYY-MM-DD rather
than guess. Pure text work on a normalized phrase ("two" already "2")."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEKDAYS = [name.lower() for name in calendar.day_name]
_MONTHS = [name.lower() for name in calendar.month_name[1:]]
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_LEAD = r"^(?:(?:on|by|for|at|the|this|coming)\s+)*"
_UNIT_DAYS = {"day": 1, "week": 7}


@dataclass(frozen=True)
class When:
    """The day read (``day``), or why none was (``problem``, said to the user)."""

    day: date | None = None
    problem: str | None = None


def _month_number(word: str) -> int | None:
    for i, name in enumerate(_MONTHS):
        if name.startswith(word[:3]) and name.startswith(word.rstrip(".")):
            return i + 1
    return None


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
    """A date with slashes: read only when it reads one way (one number above 12, or the two
    numbers equal); 12/01/2026 could be 1 December or 12 January."""
    readings: set[date] = set()
    for month, day in ((first, second), (second, first)):
        try:
            readings.add(date(year, month, day))
        except ValueError:
            continue
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
    if m := re.fullmatch(r"(?:next\s+)?(" + "|".join(_WEEKDAYS) + ")", said):
        ahead = (_WEEKDAYS.index(m.group(1)) - today.weekday() - 1) % 7 + 1
        return When(day=today + timedelta(days=ahead))
    if m := re.fullmatch(r"in\s+(\d{1,3})\s+(day|week)s?", said):
        return When(day=today + timedelta(days=int(m.group(1)) * _UNIT_DAYS[m.group(2)]))
    if re.fullmatch(r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month", said):
        last = calendar.monthrange(today.year, today.month)[1]
        return When(day=today.replace(day=last))
    if m := re.fullmatch(rf"{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}", said):
        day, month, year = m.group(1), _month_number(m.group(2)), m.group(3)
    elif m := re.fullmatch(rf"{_MONTH}\s+{_DAY}{_YEAR}", said):
        day, month, year = m.group(2), _month_number(m.group(1)), m.group(3)
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", said):
        return _numeric(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    else:
        return When(problem="it names no single day")
    found = _dated(year, month, int(day), today) if month else None
    return When(day=found) if found else When(problem="it is not a calendar date")
