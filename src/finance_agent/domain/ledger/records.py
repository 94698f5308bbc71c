"""The ledger's records as the stores keep them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from finance_agent.domain.models._base import DomainModel
from finance_agent.domain.models.ar_aging import CUSTOMER_ID_PATTERN
from finance_agent.domain.money import Amount

# Ids are text kept exactly as the books write them ("0000611365" keeps its zeros). They
# become parts of store keys, so they may not hold '#' (the key separator) or control
# characters, nor start or end with a space.
LEDGER_ID_PATTERN = r"^[^\s#\x00-\x1f\x7f](?:[^#\x00-\x1f\x7f]{0,62}[^\s#\x00-\x1f\x7f])?$"


class SettlementKind(StrEnum):
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    WRITE_OFF = "write_off"


class Customer(DomainModel):
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, min_length=3, max_length=254)
    payment_terms_days: int | None = Field(default=None, ge=0, le=365)
    # A customer on hold is never sent collections; the reason says why (a dispute, a plan).
    hold_reason: str | None = Field(default=None, min_length=1, max_length=500)

    @property
    def on_hold(self) -> bool:
        return self.hold_reason is not None


class Settlement(DomainModel):
    """Money that reduced one invoice's balance on ``settled_on``.

    Keyed by (invoice_id, settlement_id): one payment applied to several invoices is one
    settlement per invoice with the same id, as accounting exports list it.
    """

    settlement_id: str = Field(pattern=LEDGER_ID_PATTERN)
    invoice_id: str = Field(pattern=LEDGER_ID_PATTERN)
    kind: SettlementKind = SettlementKind.PAYMENT
    settled_on: date
    amount: Amount = Field(gt=0)
    # Set when the settlement was not in the books but deduced (a snapshot no longer lists
    # the invoice): shown as such, so a person can tell a recorded payment from an inference.
    inferred: bool = False


class Invoice(DomainModel):
    invoice_id: str = Field(pattern=LEDGER_ID_PATTERN)
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    issue_date: date
    due_date: date
    amount: Amount = Field(gt=0)
    disputed: bool = False

    @model_validator(mode="after")
    def _due_on_or_after_issue(self) -> Invoice:
        if self.due_date < self.issue_date:
            raise ValueError("due_date must be on or after issue_date")
        return self


class InvoiceRecord(DomainModel):
    """An invoice with every settlement recorded against it, in date order.

    Stores derive ``open_balance`` (after all settlements) and ``settled_on`` (the date the
    balance reached zero, or None while open) from this and index on them, so that today's
    aging reads open invoices only and a past date adds just those settled after it.
    """

    invoice: Invoice
    settlements: tuple[Settlement, ...] = ()

    @model_validator(mode="after")
    def _settlements_fit(self) -> InvoiceRecord:
        total = sum((s.amount for s in self.settlements), Decimal(0))
        if total > self.invoice.amount:
            raise ValueError("settlements together must not exceed the invoice amount")
        if any(s.invoice_id != self.invoice.invoice_id for s in self.settlements):
            raise ValueError("every settlement must be against this invoice")
        # (invoice_id, settlement_id) is a settlement's key in both stores.
        if len({s.settlement_id for s in self.settlements}) != len(self.settlements):
            raise ValueError("settlement ids must be unique within the invoice")
        return self

    @property
    def invoice_id(self) -> str:
        return self.invoice.invoice_id

    def balance_as_of(self, day: date) -> Decimal:
        """What was owed at the end of ``day``: 0 before the invoice was issued."""
        if self.invoice.issue_date > day:
            return Decimal("0.00")
        settled = sum((s.amount for s in self.settlements if s.settled_on <= day), Decimal(0))
        return self.invoice.amount - settled

    @property
    def open_balance(self) -> Decimal:
        return self.invoice.amount - sum((s.amount for s in self.settlements), Decimal(0))

    @property
    def settled_on(self) -> date | None:
        """The day the balance reached zero (the latest settlement's), None while open."""
        if self.open_balance > 0 or not self.settlements:
            return None
        return max(s.settled_on for s in self.settlements)
