"""An in-memory LedgerRepository for the ledger's use-case tests.

It subclasses the protocol, so mypy holds its signatures to the real interface and a change
to the interface breaks it here rather than letting it rot; the stores run the contract
suite (tests/contract) for the same behaviours. ``examined`` counts the invoice records each
read returned, so tests can check what a use case costs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.ports import MAX_INVOICE_PAGE, InvoicePage, LedgerRepository
from finance_agent.domain.ledger.records import Customer, InvoiceRecord

_TOKEN_PREFIX = "mem:"


def _order(record: InvoiceRecord) -> tuple[date, str]:
    return (record.invoice.due_date, record.invoice.invoice_id)


class MemoryLedger(LedgerRepository):
    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {}
        self.records: dict[str, InvoiceRecord] = {}
        self.examined: Counter[str] = Counter()
        self.writes: Counter[str] = Counter()
        self.reminders: dict[str, set[date]] = {}

    def put_customers(self, customers: Iterable[Customer]) -> None:
        for customer in customers:
            # Kept as a store keeps it: read back through the model's validation, so a
            # record that breaks its own rules fails here as it would on a real store.
            self.customers[customer.customer_id] = Customer.model_validate(customer.model_dump())
            self.writes["customers"] += 1

    def get_customers(self, customer_ids: Iterable[str]) -> dict[str, Customer]:
        return {i: self.customers[i] for i in set(customer_ids) if i in self.customers}

    def list_customers(self) -> list[Customer]:
        return [self.customers[i] for i in sorted(self.customers)]

    def put_invoice_records(self, records: Iterable[InvoiceRecord]) -> None:
        for record in records:
            self.records[record.invoice_id] = InvoiceRecord.model_validate(record.model_dump())
            self.writes["invoices"] += 1

    def get_invoice_records(self, invoice_ids: Iterable[str]) -> dict[str, InvoiceRecord]:
        found = {i: self.records[i] for i in set(invoice_ids) if i in self.records}
        self.examined["get_invoice_records"] += len(found)
        return found

    def open_invoices_as_of(self, as_of: date) -> list[InvoiceRecord]:
        # What a store reads: open now, or settled after the day (an index on settled_on).
        read = [
            r
            for r in self.records.values()
            if r.open_balance > 0 or (r.settled_on is not None and r.settled_on > as_of)
        ]
        self.examined["open_invoices_as_of"] += len(read)
        return [r for r in read if r.balance_as_of(as_of) > 0]

    def list_invoices(
        self,
        *,
        customer_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
        after: str | None = None,
    ) -> InvoicePage:
        if isinstance(limit, bool) or not 1 <= limit <= MAX_INVOICE_PAGE:
            raise ValidationError("limit", f"must be an integer from 1 to {MAX_INVOICE_PAGE}")
        start = self._start(after)
        chosen = sorted(
            (
                r
                for r in self.records.values()
                if (customer_id is None or r.invoice.customer_id == customer_id)
                and (not open_only or r.open_balance > 0)
                and (start is None or _order(r) > start)
            ),
            key=_order,
        )
        items = chosen[:limit]
        self.examined["list_invoices"] += len(items)
        token = None
        if len(chosen) > limit:
            due, invoice_id = _order(items[-1])
            token = f"{_TOKEN_PREFIX}{due.isoformat()}|{invoice_id}"
        return InvoicePage(items=items, next_token=token)

    @staticmethod
    def _start(after: str | None) -> tuple[date, str] | None:
        if after is None:
            return None
        due, sep, invoice_id = after.removeprefix(_TOKEN_PREFIX).partition("|")
        try:
            if not after.startswith(_TOKEN_PREFIX) or not sep:
                raise ValueError(after)
            return (date.fromisoformat(due), invoice_id)
        except ValueError:
            raise ValidationError("next_token", "must be a next_token of this list") from None

    def record_invoice_reminder(self, invoice_ids: Iterable[str], remind_date: date) -> None:
        for invoice_id in invoice_ids:
            self.reminders.setdefault(invoice_id, set()).add(remind_date)

    def last_reminder_dates(self, invoice_ids: Iterable[str], as_of: date) -> dict[str, date]:
        found = {}
        for invoice_id in set(invoice_ids):
            days = [d for d in self.reminders.get(invoice_id, ()) if d <= as_of]
            if days:
                found[invoice_id] = max(days)
        return found

    def first_issue_date(self) -> date | None:
        return min((r.invoice.issue_date for r in self.records.values()), default=None)
