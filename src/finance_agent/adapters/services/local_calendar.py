"""Calendar periods in a message: a date (2026-10-16), two dates ("between ... and ..."),
a month ("October", "in May 2026") or a year ("in 2025"). The routes answer rolling periods
ending today, so the answer for one of these says which days it covers. Pure text work."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTHS = [name.lower() for name in calendar.month_name[1:]]
# "May" and "March" are everyday words too: they name a month only after a preposition or
# before a year.
_YEAR = r"([1-9]\d{3})"  # year 0 is no calendar year
_MONTH = rf"\b({'|'.join(_MONTHS)})\b(?:\s+{_YEAR}\b)?"
_PREPOSITION = r"\b(?:in|for|during|of|over|through|since|from|until|to|between|and)\s+$"


@dataclass(frozen=True)
class Dates:
    """A calendar period, first and last day included, and how to say it."""

    start: date
    end: date
    label: str


def iso_dates(text: str) -> list[date]:
    found: list[date] = []
    for said in re.findall(r"\b(\d{4}-\d{2}-\d{2})\b", text):
        try:
            found.append(date.fromisoformat(said))
        except ValueError:
            continue  # not a calendar day: see ``not_a_date``
    return found


def not_a_date(text: str) -> str | None:
    """Something written as a date that is no calendar day (2026-13-40), said back."""
    for said in re.findall(r"\b(\d{4}-\d{2}-\d{2})\b", text):
        try:
            date.fromisoformat(said)
        except ValueError:
            return f"{said} is not a calendar date: write a date as YYYY-MM-DD, e.g. 2026-10-16."
    return None


def _months(text: str, today: date, ahead: bool) -> list[Dates]:
    found: list[Dates] = []
    for m in re.finditer(_MONTH, text):
        name, year = m.group(1), m.group(2)
        if name in ("may", "march") and not year and not re.search(_PREPOSITION, text[: m.start()]):
            continue
        month = _MONTHS.index(name) + 1
        if year:
            y = int(year)
        elif ahead:  # the next such month, this one included
            y = today.year if month >= today.month else today.year + 1
        else:  # the latest such month, this one included
            y = today.year if month <= today.month else today.year - 1
        last = calendar.monthrange(y, month)[1]
        found.append(Dates(date(y, month, 1), date(y, month, last), f"{name.capitalize()} {y}"))
    return found


def _from(text: str, today: date, first: Dates) -> Dates | None:
    """From the first day of the period said to today, when it is said with "since" or
    "from" ("since October", "from 2026-11-01")."""
    before = r"\b(?:since|from|after|starting)\s+(?:the\s+)?(?:start of\s+|beginning of\s+)?"
    said = first.label.split()[0] if first.start != first.end else first.start.isoformat()
    if re.search(before + re.escape(said.lower()), text) and first.start <= today:
        return Dates(first.start, today, f"{first.start} to {today}")
    return None


def parse_dates(text: str, today: date, ahead: bool = False) -> Dates | None:
    """The calendar period a normalized message names, or None. A month without a year is
    the latest one (``ahead``: the next one), the current month included; two dates or
    months are the days from the first to the last; "since" one runs to today."""
    days = iso_dates(text)
    if len(days) >= 2:
        start, end = min(days), max(days)
        return Dates(start, end, f"{start} to {end}")
    if days:
        one = Dates(days[0], days[0], days[0].isoformat())
        return _from(text, today, one) or one
    months = _months(text, today, ahead)
    if len(months) >= 2:
        first = min(months, key=lambda d: d.start)
        last = max(months, key=lambda d: d.end)
        return Dates(first.start, last.end, f"{first.label} to {last.label}")
    if months:
        return _from(text, today, months[0]) or months[0]
    if m := re.search(rf"\b(?:in|for|during|of)\s+{_YEAR}\b", text):
        y = int(m.group(1))
        return Dates(date(y, 1, 1), date(y, 12, 31), str(y))
    return None
