"""Calendar periods named by day or relative to today in a question about figures: a day
("November 20th", "20 Nov", "11/20/2026"), a quarter ("Q3 2026"), and "last month" (the
previous calendar month), "next month", "the rest of the month", "tomorrow", "next year",
"since last Monday". A slashed date that reads two ways is not guessed. Pure text work."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta, weekday

from finance_agent.adapters.chat.local.dates.calendar import (
    DAY_SAID,
    MONTH_SAID,
    WEEKDAYS,
    Dates,
    month_number,
    month_of,
    quarter_of,
    slashed,
    year_of,
)

_YEAR = r"(?:,?\s+([1-9]\d{3}))?"
_DAY_MONTH = re.compile(rf"\b{DAY_SAID}\s+(?:of\s+)?{MONTH_SAID}{_YEAR}\b")
_MONTH_DAY = re.compile(rf"\b{MONTH_SAID}\s+{DAY_SAID}\b(?!\s*(?:days?|weeks?|months?)){_YEAR}")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/([1-9]\d{3})\b")


def _day(year: str | None, month: int, day: int, today: date, ahead: bool) -> date | None:
    """The day said; without a year the latest such day (``ahead``: the next one). None when
    there is no such day (31 November; 29 February in the year it falls in)."""
    try:
        if year:
            return date(int(year), month, day)
        said = date(today.year, month, day)
        if ahead and said < today:
            return said.replace(year=today.year + 1)
        if not ahead and said > today:
            return said.replace(year=today.year - 1)
    except ValueError:
        return None
    return said


def named_days(text: str, today: date, ahead: bool = False) -> list[date] | str:
    """The days a normalized message names by day and month, in order; or, for a date it
    cannot read as one day, what is wrong with it."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for m in _DAY_MONTH.finditer(text):
        if (d := _day(m.group(3), month_number(m.group(2)), int(m.group(1)), today, ahead)) is None:
            return f'"{m.group(0)}" is not a calendar date: write a date as YYYY-MM-DD.'
        found.append((m.start(), d))
        taken.append(m.span())
    for m in _MONTH_DAY.finditer(text):
        if any(m.start() < end and start < m.end() for start, end in taken):
            continue  # "1 Oct 15": the month was the first day's
        if (d := _day(m.group(3), month_number(m.group(1)), int(m.group(2)), today, ahead)) is None:
            return f'"{m.group(0)}" is not a calendar date: write a date as YYYY-MM-DD.'
        found.append((m.start(), d))
    for m in _SLASHED.finditer(text):
        readings = slashed(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if len(readings) != 1:
            how = "reads two ways (month/day or day/month)" if readings else "is no calendar date"
            return f"{m.group(0)} {how}: write the date as YYYY-MM-DD, e.g. 2026-10-16."
        found.append((m.start(), readings.pop()))
    return [d for _, d in sorted(found)]


def quarter(text: str, today: date, ahead: bool = False) -> Dates | None:
    """ "Q3 2026" (July to September); without a year the latest one begun (``ahead``: the
    next one not over)."""
    m = re.search(r"\bq([1-4])(?:\s+([1-9]\d{3}))?\b", text)
    if m is None:
        return None
    q, year = int(m.group(1)), m.group(2)
    said = quarter_of(date(int(year) if year else today.year, 3 * q - 2, 1))
    if not year and not ahead and said.start > today:
        return quarter_of(said.start + relativedelta(years=-1))
    if not year and ahead and said.end < today:
        return quarter_of(said.start + relativedelta(years=1))
    return said


def relative(text: str, today: date) -> Dates | None:
    """A calendar period said relative to today, or None."""
    if re.search(r"\b(?:last|previous|prior) month\b", text):
        return month_of(today + relativedelta(months=-1))
    if re.search(r"\b(?:next|coming|following) month\b", text):
        return month_of(today + relativedelta(months=1))
    if re.search(r"\brest of (?:the|this) month\b", text):
        return Dates(today + timedelta(days=1), month_of(today).end, "the rest of the month")
    if re.search(r"\btomorrow\b", text):
        return Dates(today + timedelta(days=1), today + timedelta(days=1), "tomorrow")
    if re.search(r"\b(?:next|coming) year\b", text):
        return year_of(today.year + 1)
    if m := re.search(rf"\bsince (?:last )?({'|'.join(WEEKDAYS)})\b", text):
        # The latest such day before today: "since Monday" on a Monday is a week ago.
        start = today + relativedelta(days=-1, weekday=weekday(WEEKDAYS.index(m.group(1)), -1))
        return Dates(start, today, f"{start} to {today}")
    return None
