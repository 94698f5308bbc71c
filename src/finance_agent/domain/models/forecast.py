from __future__ import annotations

from datetime import date

from pydantic import Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Money


class ForecastPoint(DomainModel):
    date: date
    amount: Money


class CashflowForecast(DomainModel):
    """Expected daily cash inflow from sales over the next ``horizon_days`` days."""

    method: str
    horizon_days: int = Field(ge=1)
    window_days: int = Field(ge=0, description="days of history the average is taken over")
    history_days: int = Field(ge=0, description="days of history that were available")
    start_date: date
    end_date: date
    daily_average: Money
    total: Money
    currency: str
    points: list[ForecastPoint]
    note: str | None = None
