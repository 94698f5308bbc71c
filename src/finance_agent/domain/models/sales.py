from __future__ import annotations

from datetime import date

from pydantic import Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Amount


class SalesDay(DomainModel):
    """One day's sales: revenue and cost of goods sold, in the configured currency."""

    date: date
    revenue: Amount = Field(ge=0)
    cogs: Amount = Field(ge=0)
