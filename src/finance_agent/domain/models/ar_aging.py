from __future__ import annotations

from decimal import Decimal

from pydantic import Field, computed_field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Amount, Money

CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ARAging(DomainModel):
    """Accounts receivable of one customer by days past due."""

    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    customer_name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    current: Amount = Field(ge=0)
    days_1_30: Amount = Field(ge=0)
    days_31_60: Amount = Field(ge=0)
    days_61_90: Amount = Field(ge=0)
    days_over_90: Amount = Field(ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Money:
        return self.current + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_over_90

    @property
    def over_60(self) -> Decimal:
        return self.days_61_90 + self.days_over_90

    @property
    def past_due(self) -> Decimal:
        return self.total - self.current
