"""How the local assistant reads a rolling period in words ("the last two weeks", "next
quarter", "this month so far") as a number of days, and says one back. Pure text work on
a normalized message (``words.normalize``: "two weeks" already "2 weeks")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from finance_agent.adapters.chat.local.dates.calendar import quarter_of
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock

UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 90, "year": 365}
UNIT = r"(day|week|fortnight|month|quarter|year)s?"
_SPAN_WORDS = r"(?:last|past|previous|prior|trailing|next|coming|following|recent)"


def days_word(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


@dataclass(frozen=True)
class Span:
    """A number of days said in words, and how to say it back."""

    days: int
    label: str
    future: bool = False


def rolling(days: int, future: bool = False) -> Span:
    """The ``days`` days ending today (or starting tomorrow), with words for them."""
    if days == 1:
        return Span(1, "tomorrow" if future else "today", future)
    return Span(days, f"the {'next' if future else 'last'} {days} days", future)


def parse_span(text: str, today: date) -> Span | None:
    """The period or horizon a normalized message names, in days; None when it names none.
    Any number is read whole, so a period too long is refused rather than misread."""
    if m := re.search(r"\blast_(\d+)d\b", text):
        return rolling(int(m.group(1)))
    if m := re.search(rf"\b(\d+)\s*(?:-\s*)?{UNIT}\b", text):
        return rolling(int(m.group(1)) * UNIT_DAYS[m.group(2)], _future(text))
    if m := re.search(rf"\b{_SPAN_WORDS}\s+{UNIT}\b", text):
        return rolling(UNIT_DAYS[m.group(1)], _future(text))
    to_date = {
        "week": today.weekday() + 1,
        "month": today.day,
        "quarter": (today - quarter_of(today).start).days + 1,
        "year": today.timetuple().tm_yday,
    }
    for unit, days in to_date.items():
        if re.search(rf"\b(?:this {unit}|{unit}[\s-]to[\s-]date|{unit[0]}td)\b", text):
            return Span(days, f"this {unit} so far")
    if re.search(r"\btoday\b", text):
        return rolling(1)
    if re.search(r"\bfortnight\b", text):
        return rolling(14)
    return None


def _future(text: str) -> bool:
    return bool(re.search(r"\b(next|coming|following|ahead|will|expect\w*|forecast)\b", text))


def looks_ahead(text: str) -> bool:
    """The period said is to come ("the next 7 days")."""
    return bool(re.search(r"\b(?:next|coming|following|ahead|tomorrow)\b", text))


def looks_back(text: str) -> bool:
    """The period said is past ("last week", "the past 10 days", "yesterday")."""
    return bool(re.search(r"\b(?:last|past|trailing|recent|ago|yesterday|today)\b", text))


def mentions_yesterday(text: str) -> bool:
    return bool(re.search(r"\byesterday\b", text))


def asked_span(text: str, default: int, future: bool = False) -> Span:
    """The period a normalized message names, else ``default`` days."""
    return parse_span(text, clock.today()) or rolling(default, future)


def out_of_range(span: Span) -> str | None:
    """Why the routes cannot answer for this many days, or None when they can."""
    if 1 <= span.days <= MAX_PERIOD_DAYS:
        return None
    return f"I can look at 1 to {MAX_PERIOD_DAYS} days at a time, not {span.days}."
