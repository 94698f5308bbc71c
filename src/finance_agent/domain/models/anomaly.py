from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Money


class LevelShift(DomainModel):
    """A run of days that sit together on one side of their expected values."""

    start_date: date
    end_date: date
    days: int
    mean_score: float = Field(description="the run's mean robust score (negative for a drop)")


class Anomaly(DomainModel):
    """A day whose sales sit unusually far from what was expected, and why."""

    date: date
    value: Money = Field(description="the day's actual revenue")
    expected: Money = Field(description="what the method expected for that day")
    z_score: float = Field(description="the method's score: z-score or robust z-score")
    deviation: Money = Field(description="value minus expected")
    direction: Literal["spike", "drop"]
    reason: str
    level_shift: LevelShift | None = Field(
        default=None,
        description="robust: the level shift this day is part of; its own score may be "
        "below the threshold, the run's is not",
    )


class AnomalyReport(DomainModel):
    period: str
    start_date: date
    end_date: date
    method: str
    threshold: float
    days_analyzed: int
    mean: Money
    std_dev: Money
    currency: str
    anomalies: list[Anomaly]
    note: str | None = None
