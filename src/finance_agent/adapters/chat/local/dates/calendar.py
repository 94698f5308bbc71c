"""Calendar periods: the ``Dates`` every date reader returns (a month, a quarter, a year),
the names of months and weekdays they share, and the periods a message names by ISO date
(2026-10-16), two dates ("between ... and ..."), a month ("October", "in May 2026") or a
year ("in 2025"). The routes answer rolling periods ending today, so the answer for one of
these says which days it covers. Pure text work."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

MONTHS = [name.lower() for name in calendar.month_name[1:]]
WEEKDAYS = [name.lower() for name in calendar.day_name]
# A month in full or short ("sept", "Nov."), and a day of the month ("20th"): one group each.
MONTH_SAID = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
DAY_SAID = r"(\d{1,2})(?:st|nd|rd|th)?"
# "May" and "March" are everyday words too: they name a month only after a preposition or
# before a year.
_YEAR = r"([1-9]\d{3})"  # year 0 is no calendar year
_MONTH = rf"\b({'|'.join(MONTHS)})\b(?:\s+{_YEAR}\b)?"
_PREPOSITION = r"\b(?:in|for|during|of|over|through|since|from|until|to|between|and)\s+$"


@dataclass(frozen=True)
class Dates:
    """A calendar period, first and last day included, and how to say it."""

    start: date
    end: date
    label: str


def month_number(said: str) -> int:
    """The month (1 to 12) a name as ``MONTH_SAID`` reads it stands for."""
    return next(i + 1 for i, name in enumerate(MONTHS) if name.startswith(said[:3]))


def month_of(day: date) -> Dates:
    """The calendar month that holds ``day``: "November 2026"."""
    first = day.replace(day=1)
    name = f"{calendar.month_name[day.month]} {day.year}"
    return Dates(first, first + relativedelta(day=31), name)


def quarter_of(day: date) -> Dates:
    """The calendar quarter that holds ``day``: "Q3 2026" (July to September)."""
    q = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * q - 2, 1)
    return Dates(start, start + relativedelta(months=3, days=-1), f"Q{q} {day.year}")


def year_of(year: int) -> Dates:
    return Dates(date(year, 1, 1), date(year, 12, 31), str(year))


def slashed(first: int, second: int, year: int) -> set[date]:
    """The days ``first/second/year`` can be, read month/day and day/month: one when it
    reads one way (a number above 12, or the two equal), two when it reads two ways
    (12/01/2026: 1 December or 12 January), none when it is no calendar day."""
    readings: set[date] = set()
    for month, day in ((first, second), (second, first)):
        try:
            readings.add(date(year, month, day))
        except ValueError:
            continue
    return readings


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
        month = MONTHS.index(name) + 1
        if year:
            y = int(year)
        elif ahead:  # the next such month, this one included
            y = today.year if month >= today.month else today.year + 1
        else:  # the latest such month, this one included
            y = today.year if month <= today.month else today.year - 1
        found.append(month_of(date(y, month, 1)))
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
        return year_of(int(m.group(1)))
    return None
