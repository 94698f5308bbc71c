from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Money, Ratio


class PeriodFigures(DomainModel):
    """Revenue and margin of the period just before the reported one, for comparison."""

    start_date: date
    end_date: date
    revenue: Money
    gross_margin: Ratio
    days_with_sales: int = Field(ge=0)
    """Days of the period that have a sales record: fewer than its length means the
    comparison covers only part of it (the store's history may begin inside it)."""


class KPIs(DomainModel):
    """The headline figures of a period. ``source`` says whether a cached record was served."""

    period: str
    start_date: date
    end_date: date
    revenue: Money
    gross_margin: Ratio
    ar_total: Money
    ar_over_60: Money
    days_with_sales: int = Field(ge=0)
    """Days of the period that have a sales record (at most its length)."""
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    source: Literal["cache", "computed"]
    previous: PeriodFigures


class KPISnapshot(DomainModel):
    """A stored ``KPI#<period>`` record: KPIs computed for one calendar day.

    It is a cache: served only on ``computed_for``, never after.
    """

    computed_for: date
    kpis: KPIs
