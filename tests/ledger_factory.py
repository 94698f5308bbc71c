"""Short ways to write ledger records in tests: ``record("INV1", "CUST001", "2026-01-05",
"2026-02-04", "100.00", paid=[("2026-02-10", "40.00")])``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finance_agent.domain.ledger.records import (
    Customer,
    Invoice,
    InvoiceRecord,
    Settlement,
    SettlementKind,
)


def day(text: str) -> date:
    return date.fromisoformat(text)


def customer(customer_id: str, name: str | None = None, email: str | None = None) -> Customer:
    return Customer(customer_id=customer_id, name=name or f"{customer_id} Ltd", email=email)


def record(
    invoice_id: str,
    customer_id: str,
    issued: str,
    due: str,
    amount: str,
    *,
    paid: list[tuple[str, str]] | None = None,
    disputed: bool = False,
    kind: SettlementKind = SettlementKind.PAYMENT,
) -> InvoiceRecord:
    invoice = Invoice(
        invoice_id=invoice_id,
        customer_id=customer_id,
        issue_date=day(issued),
        due_date=day(due),
        amount=Decimal(amount),
        disputed=disputed,
    )
    settlements = tuple(
        Settlement(
            settlement_id=f"PAY{n}",
            invoice_id=invoice_id,
            kind=kind,
            settled_on=day(on),
            amount=Decimal(value),
        )
        for n, (on, value) in enumerate(paid or [])
    )
    return InvoiceRecord(invoice=invoice, settlements=settlements)
