"""The local assistant's answers about the KPIs of a period ending today (and yesterday's
sales), and about the period before it. A comparison is made only with a period whose days
the sales history holds as fully as the current one; otherwise the answer says why not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from finance_agent.adapters.chat.local import intents
from finance_agent.adapters.chat.local.answers.compare import compare, compare_answer
from finance_agent.adapters.chat.local.answers.period_figures import past_figures
from finance_agent.adapters.chat.local.dates import spans
from finance_agent.adapters.chat.local.dates.calendar import not_a_date
from finance_agent.adapters.chat.local.dates.periods import read_period, unread_period
from finance_agent.adapters.chat.local.followups import before, discussed, unit_said
from finance_agent.adapters.chat.local.format import during, money, percent, trend
from finance_agent.adapters.chat.local.tools import Ask, Tools
from finance_agent.shared import clock


def _before(days: int) -> str:
    return "the day before" if days == 1 else f"the {days} days before"


def _dates(figures: Mapping[str, Any]) -> str:
    start, end = figures["start_date"], figures["end_date"]
    return f"({start})" if start == end else f"({start} to {end})"


def _comparison(k: Mapping[str, Any], days: int) -> tuple[str, str, str]:
    """The change in revenue on the period before, its margin, and a note: a change only
    when that period's sales history is as full as the current one's, else why not."""
    prev, cur = k["previous"], k["currency"]
    held = int(prev["days_with_sales"])
    if held == 0:
        return "", "", f" No comparison: no sales are recorded for {_before(days)} {_dates(prev)}."
    margin = f" (previously {percent(prev['gross_margin'])})"
    if held < int(k["days_with_sales"]):
        # The history begins inside the earlier period: its total is not like for like.
        return (
            "",
            margin,
            (
                f" No change is given on {_before(days)} {_dates(prev)}: sales are recorded on "
                f"only {held} of its {days} days ({money(prev['revenue'], cur)})."
            ),
        )
    change = trend(k["revenue"], prev["revenue"])
    dates = _dates(prev)[1:-1]
    said = f", {change} {_before(days)} ({dates}: {money(prev['revenue'], cur)})" if change else ""
    return said, margin, ""


def compared(ask: Ask) -> str:
    """Two periods compared, else the KPIs as asked."""
    return compare_answer(ask, clock.today()) or kpis(ask)


def kpis(ask: Ask) -> str:
    if spans.mentions_yesterday(ask.text):
        return _yesterday(ask.tools)
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    dates = read_period(ask.text, clock.today())
    if isinstance(dates, str):
        return dates
    if dates is not None:
        return past_figures(ask, dates)
    if (unread := unread_period(ask.text)) is not None:
        return unread
    span = spans.asked_span(ask.text, 30)
    if (refused := spans.out_of_range(span)) is not None:
        return refused
    k = ask.tools.call("get_kpis", period=f"last_{span.days}d")
    cur = k["currency"]
    change, margin, note = _comparison(k, span.days)
    held = int(k["days_with_sales"])
    covered = "" if held >= span.days else f" Sales are recorded on {held} of its {span.days} days."
    return (
        f"{during(span.label, k['start_date'], k['end_date'])} revenue was "
        f"{money(k['revenue'], cur)}{change}.{covered}{note} Gross margin was "
        f"{percent(k['gross_margin'])}{margin}. Receivables stand at "
        f"{money(k['ar_total'], cur)}, of which {money(k['ar_over_60'], cur)} is more than "
        "60 days past due."
    )


def _yesterday(tools: Tools) -> str:
    series = tools.call("get_sales", days=2)
    day = (date.fromisoformat(series["end_date"]) - timedelta(days=1)).isoformat()
    found = [d for d in series["days"] if d["date"] == day]
    if not found:
        return f"There is no sales record for yesterday ({day})."
    cur = series["currency"]
    return (
        f"Yesterday ({day}) revenue was {money(found[0]['revenue'], cur)}, with "
        f"{money(found[0]['cogs'], cur)} cost of goods sold."
    )


def previous(ask: Ask) -> str:
    """The period before the one asked about: the KPIs route reports it alongside. Its
    length is the one said now, else the one said last in the session, else 30 days."""
    days = intents.days_said(ask.request.message, clock.today())
    if days is None and (period := discussed(ask.history, clock.today())) is not None:
        prior = before(period, unit_said(ask.text))
        return (
            compare(ask, period, prior)
            if intents.asks_comparison(ask.text)
            else past_figures(ask, prior)
        )
    if days is None:
        earlier = (intents.days_said(m, clock.today()) for m in ask.history.user_messages())
        days = next((d for d in earlier if d is not None), 30)
    if (refused := spans.out_of_range(spans.rolling(days))) is not None:
        return refused
    k = ask.tools.call("get_kpis", period=f"last_{days}d")
    prev, cur = k["previous"], k["currency"]
    now = "today" if days == 1 else f"the last {days} days"
    held = int(prev["days_with_sales"])
    if held == 0:
        return (
            f"No sales are recorded for {_before(days)} that {_dates(prev)}, so there is "
            f"nothing to compare with; {now} brought {money(k['revenue'], cur)}."
        )
    partial = ""
    if held < int(k["days_with_sales"]):
        partial = (
            f" Sales are recorded on only {held} of those {days} days, so the two totals "
            "are not like for like."
        )
    where = "On the day before" if days == 1 else f"In the {days} days before that"
    return (
        f"{where} {_dates(prev)} revenue was {money(prev['revenue'], cur)} and gross margin "
        f"{percent(prev['gross_margin'])}; {now} brought {money(k['revenue'], cur)}.{partial}"
    )
