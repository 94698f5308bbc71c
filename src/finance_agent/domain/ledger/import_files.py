"""What the import use case needs of a file of books, whatever its format.

A file is read in two steps. ``scan`` reads it all once and reports what is wrong with it on
its own (a cell that is not a date, a duplicate id, one customer id with two names); only a
file that scanned clean is then served in batches of parsed lines, as often as asked, in key
order, so the use case can hold each batch against the stored ledger and never the whole
file. ``finance_agent.imports`` reads CSV files this way; the domain knows no CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal, Protocol

from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.ledger.records import Invoice, Settlement
from finance_agent.domain.models.import_report import ImportKind
from finance_agent.domain.models.sales import SalesDay

# Called now and then with (phase, done, total): phase "reading" counts bytes of the file
# (total None when its size is unknown), "checking" and "writing" count lines.
Progress = Callable[[str, int, int | None], None]


def no_progress(_phase: str, _done: int, _total: int | None) -> None:
    return None


@dataclass(frozen=True, slots=True)
class CustomerLine:
    row: int  # the first row naming the customer
    customer_id: str
    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    row: int
    invoice: Invoice
    paid_date: date | None  # fully settled that day
    open_balance: Decimal | None  # owed at the import's as-of day


@dataclass(frozen=True, slots=True)
class PaymentLine:
    row: int
    settlement: Settlement


@dataclass(frozen=True, slots=True)
class SalesLine:
    row: int  # the day's last row (with --aggregate, the day is the sum of its rows)
    day: SalesDay


class BooksFile(Protocol):
    @property
    def name(self) -> str:
        """The file's name as the user knows it (never a temporary path)."""
        ...

    def scan(self, problems: ProblemLog, progress: Progress = no_progress) -> int:
        """Read the whole file once, adding every problem it holds; return its data rows."""
        ...


class InvoiceFile(BooksFile, Protocol):
    kind: ClassVar[Literal[ImportKind.INVOICES]]

    def customers(self, size: int) -> Iterator[list[CustomerLine]]:
        """The file's customers, one line each, by id (after a clean scan)."""
        ...

    def invoices(self, size: int) -> Iterator[list[InvoiceLine]]:
        """The file's invoices by id (after a clean scan)."""
        ...


class PaymentFile(BooksFile, Protocol):
    kind: ClassVar[Literal[ImportKind.PAYMENTS]]

    def payments(self, size: int) -> Iterator[list[PaymentLine]]:
        """The file's settlements by invoice id then row, about ``size`` a batch; one
        invoice's settlements are never split between two batches."""
        ...


class SalesFile(BooksFile, Protocol):
    kind: ClassVar[Literal[ImportKind.SALES]]

    @property
    def has_cogs(self) -> bool:
        """False when the file has no cogs column: stored days keep their cost of goods sold."""
        ...

    def days(self, size: int) -> Iterator[list[SalesLine]]:
        """The file's days in date order (after a clean scan)."""
        ...


LedgerFile = InvoiceFile | PaymentFile | SalesFile
