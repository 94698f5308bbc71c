"""The opening invoices an upgrade makes from one AR aging row: one per non-zero bucket,
dated into that bucket on the upgrade day, with ids every store can key on."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from finance_agent.domain.ledger.records import (
    LEDGER_ID_PATTERN,
    Invoice,
    InvoiceRecord,
    Settlement,
)
from finance_agent.domain.models import ARAging
from finance_agent.infra.ar_aging_conversion import opening_invoice_id, opening_ledger

DAY = date(2025, 7, 15)


def row(customer_id: str = "CUST001", **buckets: str) -> ARAging:
    amounts = {
        b: Decimal(buckets.get(b, "0"))
        for b in ARAging.model_fields
        if b.startswith(("current", "days_"))
    }
    return ARAging(
        customer_id=customer_id, customer_name="Acme", email="ap@acme.example", **amounts
    )


@pytest.mark.parametrize(
    ("bucket", "days_past_due"),
    [
        ("current", 0),
        ("days_1_30", 15),
        ("days_31_60", 45),
        ("days_61_90", 75),
        ("days_over_90", 120),
    ],
)
def test_each_bucket_becomes_one_invoice_that_many_days_past_due(
    bucket: str, days_past_due: int
) -> None:
    customer, records = opening_ledger(row(**{bucket: "12.34"}), DAY)

    (record,) = records
    assert (DAY - record.invoice.due_date).days == days_past_due
    assert (record.invoice.due_date - record.invoice.issue_date).days == 30
    assert record.open_balance == Decimal("12.34")
    assert record.invoice_id == f"OPENING-CUST001-{bucket}"
    assert (customer.name, customer.email) == ("Acme", "ap@acme.example")


def test_a_customer_owing_nothing_gets_no_invoice() -> None:
    assert opening_ledger(row(), DAY)[1] == []


def test_a_customer_id_too_long_for_the_id_is_replaced_by_a_digest() -> None:
    long_id = "C" * 64

    invoice_id = opening_invoice_id(long_id, "days_over_90")

    assert re.fullmatch(LEDGER_ID_PATTERN, invoice_id)
    assert invoice_id.startswith("OPENING-")
    assert invoice_id.endswith("-days_over_90")
    assert invoice_id != opening_invoice_id("C" * 63, "days_over_90")
    assert opening_ledger(row(long_id, current="1.00"), DAY)[1][0].invoice_id == opening_invoice_id(
        long_id, "current"
    )


def test_a_record_may_not_hold_one_settlement_id_twice() -> None:
    invoice = Invoice(
        invoice_id="INV-1",
        customer_id="C1",
        issue_date=DAY,
        due_date=DAY,
        amount=Decimal("10.00"),
    )
    paid = Settlement(settlement_id="P1", invoice_id="INV-1", settled_on=DAY, amount=Decimal(1))

    with pytest.raises(ValueError, match="settlement ids must be unique"):
        InvoiceRecord(invoice=invoice, settlements=(paid, paid))
