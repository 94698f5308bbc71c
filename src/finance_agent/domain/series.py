"""Stored sales days as the consecutive daily series the analytics expect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from finance_agent.domain.models import SalesDay


def daily_revenue(days: Sequence[SalesDay]) -> tuple[date | None, list[float]]:
    """First day and one revenue per day from there to the last stored day, oldest first.

    A day with no record between two stored days counts as a day without sales (0).
    """
    if not days:
        return None, []
    by_date = {d.date: float(d.revenue) for d in days}
    first, last = min(by_date), max(by_date)
    span = (last - first).days + 1
    return first, [by_date.get(first + timedelta(days=i), 0.0) for i in range(span)]
