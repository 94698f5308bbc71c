"""The local assistant's answers about figures over a period: KPIs (and yesterday's sales),
the period before, the cash outlook and unusual sales days, said in sentences."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from finance_agent.adapters.services import local_intents as intents
from finance_agent.adapters.services import local_spans as spans
from finance_agent.adapters.services.local_calendar import not_a_date, parse_dates
from finance_agent.adapters.services.local_dated import forecast_figures, past_figures
from finance_agent.adapters.services.local_format import LISTED, during, money, percent, trend
from finance_agent.adapters.services.local_spans import Span
from finance_agent.adapters.services.local_tools import (
    CHAT_ANOMALY_METHOD,
    CHAT_FORECAST_METHOD,
    Ask,
    Tools,
)
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock


def _span(text: str, default: int, future: bool = False) -> Span:
    span = spans.parse_span(text, clock.today())
    if span is None:
        return Span(default, f"the {'next' if future else 'last'} {default} days")
    return span


def _out_of_range(span: Span) -> str | None:
    if 1 <= span.days <= MAX_PERIOD_DAYS:
        return None
    return f"I can look at 1 to {MAX_PERIOD_DAYS} days at a time, not {span.days}."


def kpis(ask: Ask) -> str:
    if spans.mentions_yesterday(ask.text):
        return _yesterday(ask.tools)
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    if (dates := parse_dates(ask.text, clock.today())) is not None:
        return past_figures(ask, dates)
    span = _span(ask.text, 30)
    if (refused := _out_of_range(span)) is not None:
        return refused
    k = ask.tools.call("get_kpis", period=f"last_{span.days}d")
    cur, prev = k["currency"], k["previous"]
    change = trend(k["revenue"], prev["revenue"])
    before = "the day before" if span.days == 1 else f"the {span.days} days before"
    compared = f", {change} {before} ({money(prev['revenue'], cur)})" if change else ""
    return (
        f"{during(span.label, k['start_date'], k['end_date'])} revenue was "
        f"{money(k['revenue'], cur)}{compared}. Gross margin was {percent(k['gross_margin'])} "
        f"(previously {percent(prev['gross_margin'])}). Receivables stand at "
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
    if days is None:
        earlier = (intents.days_said(m, clock.today()) for m in ask.history.user_messages())
        days = next((d for d in earlier if d is not None), 30)
    if (refused := _out_of_range(spans.rolling(days))) is not None:
        return refused
    k = ask.tools.call("get_kpis", period=f"last_{days}d")
    prev, cur = k["previous"], k["currency"]
    if days == 1:
        return (
            f"On the day before ({prev['start_date']}) revenue was "
            f"{money(prev['revenue'], cur)} and gross margin {percent(prev['gross_margin'])}; "
            f"today brought {money(k['revenue'], cur)}."
        )
    return (
        f"In the {days} days before that ({prev['start_date']} to {prev['end_date']}) revenue "
        f"was {money(prev['revenue'], cur)} and gross margin {percent(prev['gross_margin'])}; "
        f"the last {days} days brought {money(k['revenue'], cur)}."
    )


def cashflow(ask: Ask) -> str:
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    if (dates := parse_dates(ask.text, clock.today(), ahead=True)) is not None:
        return forecast_figures(ask, dates)
    span = _span(ask.text, 30, future=True)
    if "so far" in span.label:  # "this month so far" looks back; a forecast looks ahead
        span = Span(30, "the next 30 days")
    if (refused := _out_of_range(span)) is not None:
        return refused
    f = ask.tools.call("cashflow_forecast", horizon=span.days, method=CHAT_FORECAST_METHOD)
    cur = f["currency"]
    ahead = spans.rolling(f["horizon_days"], future=True).label
    days = f"{f['start_date']} to {f['end_date']}" if f["horizon_days"] > 1 else f["start_date"]
    reply = (
        f"Cash outlook for {ahead} ({days}): about {money(f['total'], cur)} expected from sales, "
        f"{money(f['daily_average'], cur)} a day on average (method: {f['method']})."
    )
    interval = f.get("total_interval")
    if isinstance(interval, Mapping) and "lo80" in interval:
        reply += (
            f" With 80% confidence the total lies between {money(interval['lo80'], cur)} "
            f"and {money(interval['hi80'], cur)}."
        )
    return reply


def anomalies(ask: Ask) -> str:
    span, instead = _span(ask.text, 60), ""
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    if (dates := parse_dates(ask.text, clock.today())) is not None:
        if dates.start > clock.today():
            return f"{dates.label} has not come yet: unusual days can only be past ones."
        # The scan looks at days ending today: the days since the period began, said so.
        span = spans.rolling((clock.today() - dates.start).days + 1)
        instead = (
            f"I look for unusual days over periods ending today, so this covers {span.label}, "
            f"which take in {dates.label}. "
        )
    if (refused := _out_of_range(span)) is not None:
        return refused
    r = ask.tools.call("detect_anomalies", period=f"last_{span.days}d", method=CHAT_ANOMALY_METHOD)
    cur, found = r["currency"], r["anomalies"]
    where = instead + during(span.label, r["start_date"], r["end_date"])
    if not found:
        return f"{where} no day's sales stood out from the usual level."
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
    days = "; ".join(items[:LISTED])
    more = f"; and {len(items) - LISTED} more" if len(items) > LISTED else ""
    count = "1 day stood" if len(found) == 1 else f"{len(found)} days stood"
    return (
        f"{where} {count} out from the usual level (mean {money(r['mean'], cur)} a day): "
        f"{days}{more}."
    )
