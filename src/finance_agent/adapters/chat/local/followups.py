"""What a message with no topic or period of its own continues. Its topic: "and the previous
30?" or "what about this month?" continues the session's last one. Its period: "revenue in
October", then "and September?"; the one before it ("what about the previous one?" is
August; "and the week before?" the 7 days before it)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from finance_agent.adapters.chat.local import intents
from finance_agent.adapters.chat.local.dates import spans
from finance_agent.adapters.chat.local.dates.calendar import Dates, month_of, quarter_of, year_of
from finance_agent.adapters.chat.local.dates.periods import read_period
from finance_agent.adapters.chat.local.session import History
from finance_agent.adapters.chat.local.words import normalize
from finance_agent.shared import clock

_UNIT = r"\b(day|week|month|quarter|year)\s+(?:before|earlier|prior)\b"


def unit_said(text: str) -> str | None:
    m = re.search(_UNIT, text) or re.search(
        r"\b(?:previous|prior) (day|week|month|quarter|year)\b", text
    )
    return m.group(1) if m else None


def _kind(p: Dates) -> str | None:
    if p.start.day == 1 and p.end == month_of(p.end).end:
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
    if unit == "month":
        return month_of(p.start + relativedelta(months=-1))
    if unit == "quarter":
        return quarter_of(p.start + relativedelta(months=-3))
    if unit == "year":
        return year_of(p.start.year - 1)
    days = {"day": 1, "week": 7}.get(unit or "", (p.end - p.start).days + 1)
    end = p.start - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    return Dates(start, end, start.isoformat() if days == 1 else f"{start} to {end}")


def discussed(history: History, today: date) -> Dates | None:
    """The calendar period the session last discussed, as its follow-ups moved it; None
    when the last period was a rolling one ("the last 30 days") or none."""
    current: Dates | None = None
    for message in reversed(history.user_messages()):  # oldest first
        text = normalize(message)
        if current is not None and intents.asks_comparison(text):
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


_PERIODIC = ("kpis", "cashflow", "anomalies")  # the topics a period alone can continue


def _names_period(text: str) -> bool:
    today = clock.today()
    return (
        spans.parse_span(text, today) is not None
        or read_period(text, today) is not None
        or spans.mentions_yesterday(text)
    )


def _continued(topic: str, text: str) -> str:
    """Which way the period looks decides between the figures so far and the forecast:
    "what about last week?" after a forecast asks for the past week's figures."""
    if topic == "cashflow" and spans.looks_back(text):
        return "kpis"
    if topic in ("kpis", "anomalies") and spans.looks_ahead(text):
        return "cashflow"
    return topic


def _continues_overdue(text: str, history: History) -> bool:
    """ "and for CUST007?", "what about Acme?", "and over 90?" just after overdue customers."""
    if _names_period(text) or not re.search(
        r"^\W*(?:and|what about|how about|what of|same for)\b", text
    ):
        return False
    for earlier in history.user_messages():  # newest first
        if (intent := intents.detect_intent(normalize(earlier), earlier)) is not None:
            return intent == "overdue"
    return False


def follow_up(text: str, history: History) -> str | None:
    """A message with no topic of its own ("and the previous 30?", "what about this month?")
    continues the session's topic: the last one asked, as the follow-ups since moved it."""
    if intents.asks_previous(text):
        return "previous"
    if _continues_overdue(text, history):
        return "overdue"
    if not _names_period(text):
        return None
    topic: str | None = None
    for earlier in reversed(history.user_messages()):  # oldest first
        said = normalize(earlier)
        if (intent := intents.detect_intent(said, earlier)) is not None:
            topic = intent if intent in _PERIODIC else None
        elif topic is not None and intents.asks_previous(said):
            topic = "kpis"  # the period before is answered with the KPIs
        elif topic is not None and _names_period(said):
            topic = _continued(topic, said)
    return _continued(topic, text) if topic is not None else None
