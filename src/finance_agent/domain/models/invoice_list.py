"""Invoices as of a day, as the invoice list shows them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.models.ar_aging import Bucket
from finance_agent.domain.money import Amount


class InvoiceStatus(StrEnum):
    """Which invoices, as of a day D (none issued after D is ever listed)."""

    OPEN = "open"  # a balance above zero at D, overdue ones included
    OVERDUE = "overdue"  # open and past due at D
    PAID = "paid"  # nothing owed at D
    ALL = "all"


class InvoiceView(DomainModel):
    """One invoice with its figures as of the list's day."""

    invoice_id: str
    customer_id: str
    customer_name: str
    issue_date: date
    due_date: date
    amount: Amount = Field(gt=0)
    open_balance: Amount = Field(ge=0, description="what was still owed at the end of the day")
    days_past_due: int = Field(ge=0, description="days after the due date (0: not past due)")
    bucket: Bucket = Field(description="aging bucket by due date")
    disputed: bool
    last_reminder_date: date | None = Field(
        None,
        description=(
            "the latest day a recorded collection reminder named this invoice, on or before "
            "the list's day (null: none)"
        ),
    )


class InvoiceList(DomainModel):
    """A page of invoices in due-date order; ``next_token`` continues after the last one."""

    invoices: list[InvoiceView]
    next_token: str | None = None
