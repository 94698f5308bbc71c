from __future__ import annotations

from datetime import date

from pydantic import Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Money


class SalesDay(DomainModel):
    """One day's sales: revenue and cost of goods sold, in the configured currency."""

    date: date
    revenue: Money = Field(ge=0)
    cogs: Money = Field(ge=0)
