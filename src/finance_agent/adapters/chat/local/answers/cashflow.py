"""The local assistant's answer about the cash outlook over a period to come, said in
sentences (the KPIs are in ``kpis``, unusual days in ``unusual``)."""

from __future__ import annotations

from collections.abc import Mapping

from finance_agent.adapters.chat.local.answers.period_figures import forecast_figures
from finance_agent.adapters.chat.local.dates import spans
from finance_agent.adapters.chat.local.dates.calendar import not_a_date
from finance_agent.adapters.chat.local.dates.periods import read_period, unread_period
from finance_agent.adapters.chat.local.dates.spans import Span
from finance_agent.adapters.chat.local.format import money
from finance_agent.adapters.chat.local.methods import forecast_method
from finance_agent.adapters.chat.local.tools import Ask
from finance_agent.shared import clock


def cashflow(ask: Ask) -> str:
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    dates = read_period(ask.text, clock.today(), ahead=True)
    if isinstance(dates, str):
        return dates
    if dates is not None:
        return forecast_figures(ask, dates, forecast_method(ask.text))
    if (unread := unread_period(ask.text)) is not None:
        return unread
    span = spans.asked_span(ask.text, 30, future=True)
    if "so far" in span.label:  # "this month so far" looks back; a forecast looks ahead
        span = Span(30, "the next 30 days")
    if (refused := spans.out_of_range(span)) is not None:
        return refused
    f = ask.tools.call("cashflow_forecast", horizon=span.days, method=forecast_method(ask.text))
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
