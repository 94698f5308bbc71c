"""Calendar periods named by day or relative to today in a question about figures: a day
("November 20th", "20 Nov", "11/20/2026"), a quarter ("Q3 2026"), and "last month" (the
previous calendar month), "next month", "the rest of the month", "tomorrow", "next year",
"since last Monday". A slashed date that reads two ways is not guessed. Pure text work."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from finance_agent.adapters.services.local_calendar import Dates

_ABBR = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_YEAR = r"(?:,?\s+([1-9]\d{3}))?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_ABBR}{_YEAR}\b")
_MONTH_DAY = re.compile(rf"\b{_ABBR}\s+{_DAY}\b(?!\s*(?:days?|weeks?|months?)){_YEAR}")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/([1-9]\d{3})\b")
_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_WEEKDAYS = [d.lower() for d in calendar.day_name]


def _month(word: str) -> int:
    return next(i + 1 for i, name in enumerate(_MONTHS) if name.startswith(word[:3]))


def _day(year: str | None, month: int, day: int, today: date, ahead: bool) -> date | None:
    """The day said; without a year the latest such day (``ahead``: the next one)."""
    try:
        if year:
            return date(int(year), month, day)
        said = date(today.year, month, day)
    except ValueError:
        return None
    if ahead and said < today:
        return said.replace(year=today.year + 1)
    if not ahead and said > today:
        return said.replace(year=today.year - 1)
    return said


def named_days(text: str, today: date, ahead: bool = False) -> list[date] | str:
    """The days a normalized message names by day and month, in order; or, for a date it
    cannot read as one day, what is wrong with it."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for m in _DAY_MONTH.finditer(text):
        if (d := _day(m.group(3), _month(m.group(2)), int(m.group(1)), today, ahead)) is None:
            return f'"{m.group(0)}" is not a calendar date: write a date as YYYY-MM-DD.'
        found.append((m.start(), d))
        taken.append(m.span())
    for m in _MONTH_DAY.finditer(text):
        if any(m.start() < end and start < m.end() for start, end in taken):
            continue  # "1 Oct 15": the month was the first day's
        if (d := _day(m.group(3), _month(m.group(1)), int(m.group(2)), today, ahead)) is None:
            return f'"{m.group(0)}" is not a calendar date: write a date as YYYY-MM-DD.'
        found.append((m.start(), d))
    for m in _SLASHED.finditer(text):
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        readings = set()
        for month, day in ((first, second), (second, first)):
            try:
                readings.add(date(year, month, day))
            except ValueError:
                continue
        if len(readings) != 1:
            how = "reads two ways (month/day or day/month)" if readings else "is no calendar date"
            return f"{m.group(0)} {how}: write the date as YYYY-MM-DD, e.g. 2026-10-16."
        found.append((m.start(), readings.pop()))
    return [d for _, d in sorted(found)]


def _month_dates(year: int, month: int) -> Dates:
    last = calendar.monthrange(year, month)[1]
    name = f"{calendar.month_name[month]} {year}"
    return Dates(date(year, month, 1), date(year, month, last), name)


def quarter(text: str, today: date, ahead: bool = False) -> Dates | None:
    """ "Q3 2026" (July to September); without a year the latest one begun (``ahead``: the
    next one not over)."""
    m = re.search(r"\bq([1-4])(?:\s+([1-9]\d{3}))?\b", text)
    if m is None:
        return None
    q, year = int(m.group(1)), m.group(2)
    y = int(year) if year else today.year
    start = date(y, 3 * q - 2, 1)
    end = _month_dates(y, 3 * q).end
    if not year and not ahead and start > today:
        start, end = start.replace(year=y - 1), end.replace(year=y - 1)
    if not year and ahead and end < today:
        start, end = start.replace(year=y + 1), end.replace(year=y + 1)
    return Dates(start, end, f"Q{q} {start.year}")


def relative(text: str, today: date) -> Dates | None:
    """A calendar period said relative to today, or None."""
    if re.search(r"\b(?:last|previous|prior) month\b", text):
        before = today.replace(day=1) - timedelta(days=1)
        return _month_dates(before.year, before.month)
    if re.search(r"\b(?:next|coming|following) month\b", text):
        after = today.replace(day=28) + timedelta(days=4)
        return _month_dates(after.year, after.month)
    if re.search(r"\brest of (?:the|this) month\b", text):
        end = _month_dates(today.year, today.month).end
        return Dates(today + timedelta(days=1), end, "the rest of the month")
    if re.search(r"\btomorrow\b", text):
        return Dates(today + timedelta(days=1), today + timedelta(days=1), "tomorrow")
    if re.search(r"\b(?:next|coming) year\b", text):
        y = today.year + 1
        return Dates(date(y, 1, 1), date(y, 12, 31), str(y))
    if m := re.search(rf"\bsince (?:last )?({'|'.join(_WEEKDAYS)})\b", text):
        back = (today.weekday() - _WEEKDAYS.index(m.group(1))) % 7 or 7
        start = today - timedelta(days=back)
        return Dates(start, today, f"{start} to {today}")
    return None
