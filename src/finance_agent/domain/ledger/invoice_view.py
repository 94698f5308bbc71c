"""The invoice list's rules as of a day D: which invoices a status takes, what each shows."""

from __future__ import annotations

from datetime import date

from finance_agent.domain.ledger.aging import age_invoice
from finance_agent.domain.ledger.records import InvoiceRecord
from finance_agent.domain.models.invoice_list import InvoiceStatus, InvoiceView


def has_status(record: InvoiceRecord, as_of: date, status: InvoiceStatus) -> bool:
    """Whether ``record`` belongs to ``status`` at the end of ``as_of``.

    An invoice issued after ``as_of`` belongs to none; one paid after it is open at it.
    """
    invoice = record.invoice
    if invoice.issue_date > as_of:
        return False
    balance = record.balance_as_of(as_of)
    if status is InvoiceStatus.OPEN:
        return balance > 0
    if status is InvoiceStatus.OVERDUE:
        return balance > 0 and invoice.due_date < as_of
    if status is InvoiceStatus.PAID:
        return balance == 0
    return True


def invoice_view(
    record: InvoiceRecord,
    customer_name: str,
    as_of: date,
    last_reminder_date: date | None = None,
) -> InvoiceView:
    """``record``'s figures as of ``as_of``; its bucket counts days past due."""
    invoice = record.invoice
    aged = age_invoice(record, as_of)
    return InvoiceView(
        invoice_id=invoice.invoice_id,
        customer_id=invoice.customer_id,
        customer_name=customer_name,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        amount=invoice.amount,
        open_balance=aged.open_balance,
        days_past_due=aged.days_past_due,
        bucket=aged.bucket,
        disputed=invoice.disputed,
        last_reminder_date=last_reminder_date,
    )
