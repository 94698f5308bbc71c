"""How the local assistant reads a rolling period in words ("the last two weeks", "next
quarter", "this month so far") as a number of days, and says one back. Pure text work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER_WORD = "|".join([*sorted(_UNITS, key=len, reverse=True), "hundred"])
_NUMBER_PHRASE = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b")
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 90, "year": 365}
UNIT = r"(day|week|fortnight|month|quarter|year)s?"
_SPAN_WORDS = r"(?:last|past|previous|prior|trailing|next|coming|following|recent)"


def _words_to_number(phrase: str) -> int:
    total = 0
    for word in re.split(r"[\s-]+", phrase):
        if word == "hundred":
            total = (total or 1) * 100
        elif word in _UNITS:
            total += _UNITS[word]
    return total


def normalize(text: str) -> str:
    """Lower case, numbers in words as digits ("forty-five" -> "45"), "a week" -> "1 week"."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"\ba couple of\b", "2", text)
    text = re.sub(r"\bhalf (?:a )?year\b", "6 months", text)
    text = re.sub(r"\b(?:a|an)\s+(?=(?:day|week|fortnight|month|quarter|year)\b)", "1 ", text)
    return _NUMBER_PHRASE.sub(lambda m: str(_words_to_number(m.group(0))), text)


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
        "quarter": (today - date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)).days + 1,
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
