"""KPI arithmetic on plain records, shared by the use case and the seed tool's cache."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Literal

from finance_agent.domain.models import ARAging, KPIs, PeriodFigures, SalesDay
from finance_agent.domain.money import to_money, to_ratio
from finance_agent.domain.period import Period


def gross_margin(revenue: Decimal, cogs: Decimal) -> Decimal:
    """(revenue - cogs) / revenue, 0 when there is no revenue."""
    if revenue == 0:
        return Decimal(0)
    return to_ratio((revenue - cogs) / revenue)


def _sum_between(sales: Iterable[SalesDay], start: date, end: date) -> tuple[Decimal, Decimal, int]:
    """Revenue, cost of goods sold and the number of days with a record, ``start`` to ``end``."""
    revenue = cogs = Decimal(0)
    days = 0
    for day in sales:
        if start <= day.date <= end:
            revenue += day.revenue
            cogs += day.cogs
            days += 1
    return revenue, cogs, days


def compute_kpis(
    period: Period,
    today: date,
    sales: Sequence[SalesDay],
    aging: Iterable[ARAging],
    currency: str,
    source: Literal["cache", "computed"] = "computed",
) -> KPIs:
    """KPIs of ``period`` ending ``today`` from sales (covering it and the period before)."""
    start, end = period.bounds(today)
    prev_start, prev_end = period.previous_bounds(today)
    revenue, cogs, days = _sum_between(sales, start, end)
    prev_revenue, prev_cogs, prev_days = _sum_between(sales, prev_start, prev_end)
    ar_total = ar_over_60 = Decimal(0)
    for row in aging:
        ar_total += row.total
        ar_over_60 += row.over_60
    return KPIs(
        period=period.name,
        start_date=start,
        end_date=end,
        revenue=to_money(revenue),
        gross_margin=gross_margin(revenue, cogs),
        ar_total=to_money(ar_total),
        ar_over_60=to_money(ar_over_60),
        days_with_sales=days,
        currency=currency,
        source=source,
        previous=PeriodFigures(
            start_date=prev_start,
            end_date=prev_end,
            revenue=to_money(prev_revenue),
            gross_margin=gross_margin(prev_revenue, prev_cogs),
            days_with_sales=prev_days,
        ),
    )
