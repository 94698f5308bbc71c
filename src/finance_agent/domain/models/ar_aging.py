from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field, computed_field, model_validator

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.money import Amount, Money

CUSTOMER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

# The five buckets, youngest first: the field names of ARAging and an invoice's ``bucket``.
Bucket = Literal["current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"]
BUCKETS: tuple[Bucket, ...] = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


class AgingBasis(StrEnum):
    """What an invoice's age is counted from (see ``domain/ledger/aging.py``)."""

    DUE_DATE = "due_date"
    INVOICE_DATE = "invoice_date"


class ARAging(DomainModel):
    """Accounts receivable of one customer by days past due."""

    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    customer_name: str = Field(min_length=1, max_length=200)
    # None when the books hold no address for the customer (an imported ledger may not).
    email: str | None = Field(default=None, min_length=3, max_length=254)
    current: Amount = Field(ge=0)
    days_1_30: Amount = Field(ge=0)
    days_31_60: Amount = Field(ge=0)
    days_61_90: Amount = Field(ge=0)
    days_over_90: Amount = Field(ge=0)
    # Of ``total``, what is owed on disputed invoices: aged like the rest, and marked so that
    # nobody chases money the customer contests without knowing it.
    disputed: Amount = Field(default=Decimal("0.00"), ge=0)

    @model_validator(mode="after")
    def _disputed_within_total(self) -> ARAging:
        if self.disputed > self.total:
            raise ValueError("disputed must not exceed the total")
        return self

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
