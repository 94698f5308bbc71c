"""What the ledger needs of a store. ``infra/`` implements it for SQLite and DynamoDB.

Read costs are part of the contract (DESIGN.md, "The ledger"): no method scans the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import date
from typing import Protocol, runtime_checkable

from pydantic import Field

from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.domain.models._base import DomainModel

MAX_INVOICE_PAGE = 100


class InvoicePage(DomainModel):
    """Invoices in (due_date, invoice_id) order; ``next_token`` continues after the last."""

    items: list[InvoiceRecord]
    next_token: str | None = Field(default=None)


class LedgerRepository(Protocol):
    # -- customers (``CUSTOMER#<id>``) --
    def put_customers(self, customers: Iterable[Customer]) -> None:
        """Upsert by ``customer_id``."""
        ...

    def get_customers(self, customer_ids: Iterable[str]) -> dict[str, Customer]:
        """The known ones among ``customer_ids``, by id (read by key, one batch)."""
        ...

    def list_customers(self) -> list[Customer]:
        """Every customer, ordered by id."""
        ...

    # -- invoices with their settlements (``INVOICE#<id>``) --
    def put_invoice_records(self, records: Iterable[InvoiceRecord]) -> None:
        """Upsert each invoice with its whole list of settlements (replacing the stored list).

        Each record is written atomically; a batch is not one transaction on DynamoDB, so an
        import that stopped midway is finished by writing the same records again.
        """
        ...

    def get_invoice_records(self, invoice_ids: Iterable[str]) -> dict[str, InvoiceRecord]:
        """The known ones among ``invoice_ids``, by id (read by key)."""
        ...

    def open_invoices_as_of(self, as_of: date) -> list[InvoiceRecord]:
        """Every invoice with a balance above zero at the end of ``as_of``.

        Reads the invoices open now plus those settled after ``as_of``, nothing else: today
        that is the open invoices only, whatever the size of the paid history.
        """
        ...

    def list_invoices(
        self,
        *,
        customer_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
        after: str | None = None,
    ) -> InvoicePage:
        """Invoices in (due_date, invoice_id) order, ``limit`` 1 to ``MAX_INVOICE_PAGE``.

        ``customer_id`` reads that customer's invoices by key; ``open_only`` those open now
        (balance above zero after every settlement). ``after`` is a previous page's
        ``next_token``; one that is not raises ``ValidationError`` on ``next_token``. Callers
        filter by as-of status themselves (an invoice settled after D is open at D).
        """
        ...

    # -- reminders per invoice (``REMINDER#<invoice_id>``) --
    def record_invoice_reminder(self, invoice_ids: Iterable[str], remind_date: date) -> None:
        """Note that a reminder dated ``remind_date`` named each of ``invoice_ids``.

        Idempotent: noting the same day again changes nothing. Written by the reminder use
        case with the action, so the invoice list can show the last reminder by key.
        """
        ...

    def last_reminder_dates(self, invoice_ids: Iterable[str], as_of: date) -> dict[str, date]:
        """The latest reminder day on or before ``as_of`` of each of ``invoice_ids`` that has
        one (read by key, one batch); a reminder dated after ``as_of`` is not counted."""
        ...

    def first_issue_date(self) -> date | None:
        """The earliest issue date of any invoice, None when the ledger is empty.

        Kept as invoices are written (the earliest ever written): an invoice rewritten with
        a later issue date leaves it earlier, never later.
        """
        ...


# -- an import's writes in one transaction, where a store has them --------------------------
# A store that has them (SQLite) lets an import write as it checks, in one transaction that is
# committed only when the whole file turned out clean: one pass over the file instead of two,
# one commit instead of one per batch, and nothing kept of a refused file. A store without
# them (DynamoDB, where BatchWriteItem is no transaction) is checked whole first and written
# after, batch by batch.


class LedgerWrites(Protocol):
    """The writes an import makes (``LedgerRepository`` has them too)."""

    def put_customers(self, customers: Iterable[Customer]) -> None: ...

    def put_invoice_records(self, records: Iterable[InvoiceRecord]) -> None: ...


@runtime_checkable
class TransactionalLedger(Protocol):
    def ledger_transaction(self) -> AbstractContextManager[LedgerWrites]:
        """Writes made through the object it yields are one transaction: committed when the
        block ends, rolled back when it raises. The store's reads in this thread meanwhile
        see them; other readers see all of them or none."""
        ...
