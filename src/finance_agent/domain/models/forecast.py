from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Money


class ForecastPoint(DomainModel):
    """A day's expected cash inflow with its 80% and 95% prediction intervals."""

    date: date
    amount: Money
    lo80: Money | None = None
    hi80: Money | None = None
    lo95: Money | None = None
    hi95: Money | None = None


class Interval(DomainModel):
    lo80: Money
    hi80: Money
    lo95: Money
    hi95: Money


def _three_decimals(value: float | None) -> float | None:
    # DESIGN.md: scores leave with three decimals, as the anomaly scores do.
    return None if value is None else round(value, 3)


class MethodScore(DomainModel):
    """How a candidate did on the held-out days when ``auto`` chose the method."""

    method: str
    mae: Money
    mase: Annotated[float | None, AfterValidator(_three_decimals)]


class CashflowForecast(DomainModel):
    """Expected daily cash inflow from sales over the next ``horizon_days`` days."""

    method: str = Field(description="the method whose forecast this is")
    requested_method: str = Field(description="the method asked for (auto picks one)")
    horizon_days: int = Field(ge=1)
    window_days: int = Field(ge=0, description="days of history the method looked at")
    history_days: int = Field(ge=0, description="days of history that were available")
    start_date: date
    end_date: date
    daily_average: Money
    total: Money
    total_interval: Interval | None = None
    currency: str
    points: list[ForecastPoint]
    holdout: list[MethodScore] = Field(default_factory=list)
    note: str | None = None
