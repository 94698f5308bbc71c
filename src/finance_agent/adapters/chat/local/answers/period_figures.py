"""The local assistant's answers for a calendar period (a date, a month, two dates): the
routes work in rolling days ending today (sales, KPIs) or starting tomorrow (forecast), so
the answer adds up the route's days inside the period and says plainly when it can cover
only part of it, or none."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from finance_agent.adapters.chat.local.dates.calendar import Dates
from finance_agent.adapters.chat.local.format import money, percent
from finance_agent.adapters.chat.local.methods import CHAT_FORECAST_METHOD
from finance_agent.adapters.chat.local.tools import Ask
from finance_agent.domain.kpi_math import gross_margin
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock


def _for(asked: Dates) -> str:
    """The period as a question names it: "on 2026-10-16", "in October 2026"."""
    if asked.start == asked.end:
        return f"on {asked.start}"
    if asked.label.startswith("the "):
        return f"for {asked.label}"
    return f"from {asked.label}" if " to " in asked.label else f"in {asked.label}"


def _in(asked: Dates, start: date, end: date) -> str:
    """How the answer names the days it covers: the dates alone when they are what was
    said, else the period's name with them."""
    if start == end:
        return f"on {start}"
    if asked.label == f"{asked.start} to {asked.end}":
        return f"from {start} to {end}"
    return f"{_for(asked)} ({start} to {end})"


def _capital(words: str) -> str:
    return words[0].upper() + words[1:]


def past_figures(ask: Ask, asked: Dates) -> str:
    """Revenue and cost of goods sold on the days of ``asked`` that sales history holds."""
    today = clock.today()
    earliest = today - timedelta(days=MAX_PERIOD_DAYS - 1)
    if asked.start > today:
        return (
            f"{asked.label} has not come yet, so there are no sales to report. I can "
            f'forecast it: ask "cash forecast {_for(asked)}".'
        )
    if asked.end < earliest:
        return (
            f"I can look back {MAX_PERIOD_DAYS} days at most, to {earliest}; {asked.label} "
            "is before that, so I have no figures for it."
        )
    start, end = max(asked.start, earliest), min(asked.end, today)
    series = ask.tools.call("get_sales", days=(today - start).days + 1)
    cur = series["currency"]
    days = [d for d in series["days"] if start <= date.fromisoformat(str(d["date"])) <= end]
    notes = ""
    if start > asked.start:
        notes += f" I can look back {MAX_PERIOD_DAYS} days at most, so this starts on {start}."
    if end < asked.end:
        notes += f" {asked.label} runs to {asked.end}; this covers the days so far."
    if not days:
        return f"There is no sales record {_in(asked, start, end)}.{notes}"
    revenue = sum((Decimal(str(d["revenue"])) for d in days), Decimal(0))
    cogs = sum((Decimal(str(d["cogs"])) for d in days), Decimal(0))
    length = (end - start).days + 1
    if length > len(days):
        notes += f" Sales are recorded on {len(days)} of its {length} days."
    said = _capital(_in(asked, start, end))
    return (
        f"{said} revenue was {money(revenue, cur)}, with {money(cogs, cur)} "
        f"cost of goods sold (gross margin {percent(gross_margin(revenue, cogs))}).{notes}"
    )


def forecast_figures(ask: Ask, asked: Dates, method: str = CHAT_FORECAST_METHOD) -> str:
    """The forecast's days inside ``asked``: forecasts run from tomorrow."""
    today = clock.today()
    tomorrow = today + timedelta(days=1)
    if asked.end < tomorrow:
        return (
            f"{asked.label} is past: a forecast looks ahead from tomorrow ({tomorrow}). For "
            f'what was sold, ask "revenue {_for(asked)}".'
        )
    farthest = today + timedelta(days=MAX_PERIOD_DAYS)
    if asked.start > farthest:
        return (
            f"I can forecast {MAX_PERIOD_DAYS} days ahead at most, to {farthest}; "
            f"{asked.label} begins on {asked.start}."
        )
    start, end = max(asked.start, tomorrow), min(asked.end, farthest)
    horizon = (end - today).days
    f = ask.tools.call("cashflow_forecast", horizon=horizon, method=method)
    cur = f["currency"]
    points = [p for p in f["points"] if start <= date.fromisoformat(str(p["date"])) <= end]
    total = sum((Decimal(str(p["amount"])) for p in points), Decimal(0))
    days = len(points) or 1
    reply = (
        f"Cash outlook {_in(asked, start, end)}: about "
        f"{money(total, cur)} expected from sales, {money(total / days, cur)} a day on "
        f"average (method: {f['method']})."
    )
    if end < asked.end:
        reply += (
            f" The forecast reaches {MAX_PERIOD_DAYS} days ahead at most, so this covers "
            f"{asked.label} only to {end}, not to {asked.end}."
        )
    if start > asked.start:
        reply += f" {asked.label} began before tomorrow; this covers the days still to come."
    return reply
