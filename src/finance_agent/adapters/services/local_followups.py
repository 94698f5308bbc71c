"""Follow-ups on a calendar period: the period just discussed ("revenue in October", then
"and September?"), the one before it ("what about the previous one?" is August; "and the
week before?" the 7 days before it), and comparisons of two periods."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from finance_agent.adapters.services import local_intents as intents
from finance_agent.adapters.services import local_spans as spans
from finance_agent.adapters.services.local_calendar import Dates
from finance_agent.adapters.services.local_compare import asks_comparison, compare, split_periods
from finance_agent.adapters.services.local_periods import read_period
from finance_agent.adapters.services.local_tools import Ask

_UNIT = r"\b(day|week|month|quarter|year)\s+(?:before|earlier|prior)\b"


def unit_said(text: str) -> str | None:
    m = re.search(_UNIT, text) or re.search(
        r"\b(?:previous|prior) (day|week|month|quarter|year)\b", text
    )
    return m.group(1) if m else None


def _month(y: int, m: int) -> Dates:
    return Dates(
        date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), f"{calendar.month_name[m]} {y}"
    )


def _kind(p: Dates) -> str | None:
    if p.start.day == 1 and p.end == _month(p.end.year, p.end.month).end:
        months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
        if months == 1:
            return "month"
        if months == 3 and p.start.month % 3 == 1:
            return "quarter"
        if months == 12 and p.start.month == 1:
            return "year"
    return "day" if p.start == p.end else None


def before(p: Dates, unit: str | None) -> Dates:
    """The period before ``p``: of the unit said, else of the same kind (the month, quarter
    or year before, else as many days ending the day before it starts)."""
    unit = unit or _kind(p)
    s = p.start
    if unit == "month":
        last = s.replace(day=1) - timedelta(days=1)
        return _month(last.year, last.month)
    if unit == "quarter":
        first = date(s.year, 3 * ((s.month - 1) // 3) + 1, 1)
        last = first - timedelta(days=1)
        start = date(last.year, last.month - 2, 1)
        return Dates(start, last, f"Q{(last.month - 1) // 3 + 1} {last.year}")
    if unit == "year":
        return Dates(date(s.year - 1, 1, 1), date(s.year - 1, 12, 31), str(s.year - 1))
    days = {"day": 1, "week": 7}.get(unit or "", (p.end - p.start).days + 1)
    end = s - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    return Dates(start, end, start.isoformat() if days == 1 else f"{start} to {end}")


def discussed(ask: Ask, today: date) -> Dates | None:
    """The calendar period the session last discussed, as its follow-ups moved it; None
    when the last period was a rolling one ("the last 30 days") or none."""
    current: Dates | None = None
    for message in reversed(ask.history.user_messages()):  # oldest first
        text = spans.normalize(message)
        if current is not None and asks_comparison(text):
            continue
        if (
            current is not None
            and intents.asks_previous(text)
            and intents.days_said(message, today) is None
        ):
            current = before(current, unit_said(text))
        elif isinstance(said := read_period(text, today), Dates):
            current = said
        elif spans.parse_span(text, today) is not None:
            current = None
    return current


def comparison(ask: Ask, today: date) -> str | tuple[Dates, Dates] | None:
    """The two periods a comparison names, the first said first; a period it leaves out is
    the one just discussed (else this month so far); None when it names none."""
    parts = split_periods(ask.text)
    if parts is None:
        return None
    left, right = (read_period(part, today) for part in parts)
    for said in (left, right):
        if isinstance(said, str):
            return said
    if isinstance(right, Dates) and not isinstance(left, Dates):
        left = discussed(ask, today) or Dates(today.replace(day=1), today, "this month so far")
    if isinstance(left, Dates) and isinstance(right, Dates):
        return left, right
    return None


def compare_answer(ask: Ask, today: date) -> str | None:
    found = comparison(ask, today)
    if found is None or isinstance(found, str):
        return found
    return compare(ask, *found)
