"""Receivables aging as of a day D, from invoice records.

The as-of rule: only invoices issued on or before D count, each with its balance after the
settlements dated on or before D (``InvoiceRecord.balance_as_of``). A payment dated after D
is not deducted, so an invoice paid after D is open at D, and nothing dated after D can
change a figure as of D.

Basis and buckets (the five ARAging fields keep their names under both bases):

- ``due_date`` (the default) counts days past due, ``D - due_date``. ``current`` holds what
  is not yet due, due today included (0 days or fewer); then ``days_1_30``, ``days_31_60``,
  ``days_61_90`` and ``days_over_90`` (91 days or more).
- ``invoice_date`` counts days since issue, ``D - issue_date``. ``current`` holds 0 to 30
  days, as aging by invoice date is read everywhere ("current" = this month's invoices);
  the older buckets keep their ranges: 31-60, 61-90, over 90. ``days_1_30`` is therefore
  always zero under this basis: a field never means another range than its name says.

Per customer the buckets add up to the outstanding total to the cent: every open invoice's
balance lands in exactly one bucket, and amounts are Decimal cents, added exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.domain.models.ar_aging import BUCKETS, AgingBasis, ARAging, Bucket

# The last day count of each bucket after ``current``; past the last one is ``days_over_90``.
_UPPER_BOUNDS: tuple[tuple[int, Bucket], ...] = (
    (30, "days_1_30"),
    (60, "days_31_60"),
    (90, "days_61_90"),
)
# The highest day count still ``current`` under each basis.
_CURRENT_UNTIL = {AgingBasis.DUE_DATE: 0, AgingBasis.INVOICE_DATE: 30}


def bucket_for(days: int, basis: AgingBasis = AgingBasis.DUE_DATE) -> Bucket:
    """The bucket of an invoice ``days`` old under ``basis`` (negative: not yet due)."""
    if days <= _CURRENT_UNTIL[basis]:
        return "current"
    for upper, name in _UPPER_BOUNDS:
        if days <= upper:
            return name
    return "days_over_90"


def days_past_due(due_date: date, as_of: date) -> int:
    """Whole days after the due date at ``as_of``; 0 when not yet due or due that day."""
    return max(0, (as_of - due_date).days)


def age_in_days(record: InvoiceRecord, as_of: date, basis: AgingBasis) -> int:
    """Days counted under ``basis``: past the due date, or since the issue date."""
    start = record.invoice.due_date if basis is AgingBasis.DUE_DATE else record.invoice.issue_date
    return (as_of - start).days


@dataclass(frozen=True, slots=True)
class InvoiceAge:
    """One invoice open at ``as_of``: what is owed, and where it falls."""

    record: InvoiceRecord
    open_balance: Decimal
    days_past_due: int
    bucket: Bucket


def age_invoice(
    record: InvoiceRecord, as_of: date, basis: AgingBasis = AgingBasis.DUE_DATE
) -> InvoiceAge:
    """The invoice as of ``as_of``; its balance is 0 when it was not issued yet or was paid."""
    return InvoiceAge(
        record=record,
        open_balance=record.balance_as_of(as_of),
        days_past_due=days_past_due(record.invoice.due_date, as_of),
        bucket=bucket_for(age_in_days(record, as_of, basis), basis),
    )


def open_invoice_ages(
    records: Iterable[InvoiceRecord], as_of: date, basis: AgingBasis = AgingBasis.DUE_DATE
) -> Iterator[InvoiceAge]:
    """The invoices with a balance above zero at the end of ``as_of``."""
    for record in records:
        aged = age_invoice(record, as_of, basis)
        if aged.open_balance > 0:
            yield aged


def customer_rows(
    records: Iterable[InvoiceRecord],
    customers: Mapping[str, Customer],
    as_of: date,
    basis: AgingBasis = AgingBasis.DUE_DATE,
) -> list[ARAging]:
    """One row per customer owing something at ``as_of``, ordered by customer id.

    A customer missing from ``customers`` (books imported without its details) is shown
    under its id, so that no money owed disappears from the totals.
    """
    sums: dict[str, dict[str, Decimal]] = {}
    for aged in open_invoice_ages(records, as_of, basis):
        invoice = aged.record.invoice
        row = sums.setdefault(
            invoice.customer_id, dict.fromkeys((*BUCKETS, "disputed"), Decimal(0))
        )
        row[aged.bucket] += aged.open_balance
        if invoice.disputed:
            row["disputed"] += aged.open_balance
    rows = []
    for customer_id in sorted(sums):
        known = customers.get(customer_id)
        rows.append(
            ARAging(
                customer_id=customer_id,
                customer_name=known.name if known else customer_id,
                email=known.email if known else None,
                **sums[customer_id],
            )
        )
    return rows
