"""Small builders of ledger records for the ledger contract tests."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from finance_agent.domain.ledger.records import (
    Customer,
    Invoice,
    InvoiceRecord,
    Settlement,
    SettlementKind,
)

D = date(2024, 6, 30)  # the as-of day most tests ask about


def day(offset: int) -> date:
    """``offset`` days from ``D``."""
    return D + timedelta(days=offset)


def customer(customer_id: str, **fields: object) -> Customer:
    return Customer.model_validate(
        {"customer_id": customer_id, "name": f"Co {customer_id}"} | fields
    )


def settlement(
    invoice_id: str,
    settlement_id: str,
    settled_on: date,
    amount: str,
    kind: SettlementKind = SettlementKind.PAYMENT,
    *,
    inferred: bool = False,
) -> Settlement:
    return Settlement(
        settlement_id=settlement_id,
        invoice_id=invoice_id,
        kind=kind,
        settled_on=settled_on,
        amount=Decimal(amount),
        inferred=inferred,
    )


def record(
    invoice_id: str,
    *settlements: tuple[date, str],
    customer_id: str = "C1",
    issued: date | None = None,
    due: date | None = None,
    amount: str = "100.00",
    disputed: bool = False,
) -> InvoiceRecord:
    """An invoice (issued 30 days before ``D``, due on ``D`` unless told) with payments
    ``(date, amount)`` numbered P1, P2... in the order given."""
    issue_date = issued if issued is not None else day(-30)
    invoice = Invoice(
        invoice_id=invoice_id,
        customer_id=customer_id,
        issue_date=issue_date,
        due_date=due if due is not None else max(issue_date, D),
        amount=Decimal(amount),
        disputed=disputed,
    )
    paid = tuple(
        settlement(invoice_id, f"P{n}", on, paid_amount)
        for n, (on, paid_amount) in enumerate(settlements, start=1)
    )
    return InvoiceRecord(invoice=invoice, settlements=paid)
