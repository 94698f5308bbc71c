from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Money


class Anomaly(DomainModel):
    """A day whose sales sit unusually far from the period's mean."""

    date: date
    value: Money
    z_score: float
    deviation: Money = Field(description="value minus the period mean")
    direction: Literal["spike", "drop"]


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
