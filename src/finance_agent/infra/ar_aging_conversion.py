"""Stores made before the ledger kept receivables as five numbers per customer
(``AR_AGING#<customer_id>``). Upgrading one turns each into a customer and one opening
invoice per non-zero bucket, dated so that on the day of the upgrade it falls in the same
bucket: the upgraded store shows the same aging that day, and ages from there.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Final

from finance_agent.domain.ledger.records import Customer, Invoice, InvoiceRecord
from finance_agent.domain.models import ARAging

# Days past due on the upgrade day: inside each bucket, away from its edges.
BUCKET_DAYS_PAST_DUE: Final = {
    "current": 0,  # due that day: not yet past due
    "days_1_30": 15,
    "days_31_60": 45,
    "days_61_90": 75,
    "days_over_90": 120,
}
TERMS_DAYS: Final = 30  # issued this long before it was due
PREFIX: Final = "OPENING"
_MAX_ID = 64  # LEDGER_ID_PATTERN's length


def opening_invoice_id(customer_id: str, bucket: str) -> str:
    """``OPENING-<customer_id>-<bucket>``; a customer id too long for that (over 43
    characters) is replaced by a digest of it, so the id stays within 64."""
    invoice_id = f"{PREFIX}-{customer_id}-{bucket}"
    if len(invoice_id) > _MAX_ID:
        digest = hashlib.sha256(customer_id.encode()).hexdigest()[:24]
        invoice_id = f"{PREFIX}-{digest}-{bucket}"
    return invoice_id


def opening_ledger(row: ARAging, upgrade_day: date) -> tuple[Customer, list[InvoiceRecord]]:
    """The customer of ``row`` and its opening invoices, none settled."""
    customer = Customer(customer_id=row.customer_id, name=row.customer_name, email=row.email)
    records = []
    for bucket, days in BUCKET_DAYS_PAST_DUE.items():
        amount = getattr(row, bucket)
        if amount <= 0:
            continue
        due = upgrade_day - timedelta(days=days)
        invoice = Invoice(
            invoice_id=opening_invoice_id(row.customer_id, bucket),
            customer_id=row.customer_id,
            issue_date=due - timedelta(days=TERMS_DAYS),
            due_date=due,
            amount=amount,
        )
        records.append(InvoiceRecord(invoice=invoice))
    return customer, records
