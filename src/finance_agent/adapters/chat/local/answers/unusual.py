"""The local assistant's answers about unusual sales days: the days that stood out in the
period asked (only those inside it), and why one day was flagged, from the anomaly route's
own reason, or that it was not."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from finance_agent.adapters.chat.local.dates import spans
from finance_agent.adapters.chat.local.dates.calendar import Dates, not_a_date
from finance_agent.adapters.chat.local.dates.periods import read_period, unread_period
from finance_agent.adapters.chat.local.format import LISTED, during, money
from finance_agent.adapters.chat.local.methods import anomaly_method
from finance_agent.adapters.chat.local.tools import Ask
from finance_agent.adapters.chat.local.words import normalize
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock

_WHY = r"\b(?:why|what made|reason|explain)\b.*\b(?:flag\w*|unusual|stand out|stood out|odd)\b"


def anomalies(ask: Ask) -> str:
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    today = clock.today()
    if re.search(_WHY, ask.text):
        return _why(ask, today)
    dates = read_period(ask.text, today)
    if spans.mentions_yesterday(ask.text):
        yesterday = today - timedelta(days=1)
        dates = Dates(yesterday, yesterday, "yesterday")
    if isinstance(dates, str):
        return dates
    if dates is None:
        if (unread := unread_period(ask.text)) is not None:
            return unread
        return _scan(ask, spans.asked_span(ask.text, 60), None)
    if dates.start > today:
        return f"{dates.label} has not come yet: unusual days can only be past ones."
    return _scan(ask, spans.rolling(max((today - dates.start).days + 1, 60)), dates)


def _scan(ask: Ask, span: spans.Span, dates: Dates | None) -> str:
    if (refused := spans.out_of_range(span)) is not None:
        return refused
    method = anomaly_method(ask.text)
    r = ask.tools.call("detect_anomalies", period=f"last_{span.days}d", method=method)
    cur, found = r["currency"], list(r["anomalies"])
    where = during(span.label, r["start_date"], r["end_date"])
    if dates is not None:  # only the days of the period asked, from a scan ending today
        found = [a for a in found if dates.start.isoformat() <= a["date"] <= dates.end.isoformat()]
        said = dates.start if dates.start == dates.end else f"{dates.start} to {dates.end}"
        where = f"{'On' if dates.start == dates.end else 'In'} {dates.label} ({said})"
        if dates.label == str(said):
            where = f"{'On' if dates.start == dates.end else 'From'} {said}"
        elif dates.label == "yesterday":
            where = f"Yesterday ({said})"
    how = f" (method: {r['method']}, mean {money(r['mean'], cur)} a day)"
    if not found:
        return f"{where} no day's sales stood out from the usual level{how}."
    count = "1 day stood" if len(found) == 1 else f"{len(found)} days stood"
    return f"{where} {count} out from the usual level{how}: {_items(found, cur)}."


def _items(found: Sequence[Mapping[str, Any]], cur: str) -> str:
    items: list[str] = []
    shifts_told: set[str] = set()
    for a in found:
        shift = a.get("level_shift")
        if shift is None:
            items.append(f"{a['date']}: {money(a['value'], cur)}, a {a['direction']}")
        elif shift["start_date"] not in shifts_told:
            shifts_told.add(shift["start_date"])
            side = "above" if shift["mean_score"] > 0 else "below"
            items.append(
                f"{shift['start_date']} to {shift['end_date']}: {shift['days']} days together "
                f"{side} the usual level (a level shift)"
            )
    more = f"; and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return "; ".join(items[:LISTED]) + more


def _day_meant(ask: Ask, today: date) -> date | str:
    said = read_period(ask.text, today)
    if isinstance(said, Dates) and said.start == said.end:
        return said.start
    for earlier in ask.history.user_messages():  # newest first
        said = read_period(normalize(earlier), today)
        if isinstance(said, Dates) and said.start == said.end:
            return said.start
    listed = sorted(set(re.findall(r"(\d{4}-\d{2}-\d{2}): ", ask.history.last_reply())))
    if len(listed) == 1:
        return date.fromisoformat(listed[0])
    days = f" ({', '.join(listed)})" if listed else ""
    return f'Which day do you mean{days}? Ask e.g. "why was 2026-10-16 flagged?".'


def _why(ask: Ask, today: date) -> str:
    day = _day_meant(ask, today)
    if isinstance(day, str):
        return day
    if day > today or (today - day).days >= MAX_PERIOD_DAYS:
        return f"I can explain only days in the last {MAX_PERIOD_DAYS} days; {day} is not."
    days = max((today - day).days + 1, 60)
    method = anomaly_method(ask.text)
    r = ask.tools.call("detect_anomalies", period=f"last_{days}d", method=method)
    hit = next((a for a in r["anomalies"] if a["date"] == day.isoformat()), None)
    scan = f"the {r['method']} scan of {r['start_date']} to {r['end_date']}"
    if hit is None:
        return f"{day} was not flagged: in {scan} its sales were within the usual range."
    return f"{day} was flagged as a {hit['direction']} in {scan}: {hit['reason']}."
