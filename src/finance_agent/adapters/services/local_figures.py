"""The local assistant's answers about figures over a period to come or just past: the cash
outlook and unusual sales days, said in sentences (the KPIs are in ``local_kpis``)."""

from __future__ import annotations

from collections.abc import Mapping

from finance_agent.adapters.services import local_spans as spans
from finance_agent.adapters.services.local_calendar import not_a_date
from finance_agent.adapters.services.local_dated import forecast_figures
from finance_agent.adapters.services.local_format import LISTED, during, money
from finance_agent.adapters.services.local_periods import read_period, unread_period
from finance_agent.adapters.services.local_spans import Span
from finance_agent.adapters.services.local_tools import (
    CHAT_ANOMALY_METHOD,
    CHAT_FORECAST_METHOD,
    Ask,
)
from finance_agent.shared import clock


def cashflow(ask: Ask) -> str:
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    dates = read_period(ask.text, clock.today(), ahead=True)
    if isinstance(dates, str):
        return dates
    if dates is not None:
        return forecast_figures(ask, dates)
    if (unread := unread_period(ask.text)) is not None:
        return unread
    span = spans.asked_span(ask.text, 30, future=True)
    if "so far" in span.label:  # "this month so far" looks back; a forecast looks ahead
        span = Span(30, "the next 30 days")
    if (refused := spans.out_of_range(span)) is not None:
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
    span, instead = spans.asked_span(ask.text, 60), ""
    if (misread := not_a_date(ask.text)) is not None:
        return misread
    dates = read_period(ask.text, clock.today())
    if isinstance(dates, str):
        return dates
    if dates is None and (unread := unread_period(ask.text)) is not None:
        return unread
    if dates is not None:
        if dates.start > clock.today():
            return f"{dates.label} has not come yet: unusual days can only be past ones."
        # The scan looks at days ending today: the days since the period began, said so.
        span = spans.rolling((clock.today() - dates.start).days + 1)
        instead = (
            f"I look for unusual days over periods ending today, so this covers {span.label}, "
            f"which take in {dates.label}. "
        )
    if (refused := spans.out_of_range(span)) is not None:
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
