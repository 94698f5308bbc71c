"""An invoices CSV: one invoice a row, with its customer and, optionally, how it was settled."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar, Literal

import finance_agent.imports.cells as cells
from finance_agent.domain.ledger.import_files import CustomerLine, InvoiceLine
from finance_agent.domain.ledger.import_records import checked_invoice
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.models.import_report import ImportKind
from finance_agent.imports.csv_books import CsvBooks, Row, not_after
from finance_agent.imports.scratch import chunks

_OWED = partial(cells.amount, low="zero")
_LINE_FIELDS = "invoice_id, customer_id, issue_date, due_date, amount, disputed, paid, owed"


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class InvoiceCsv(CsvBooks):
    kind: ClassVar[Literal[ImportKind.INVOICES]] = ImportKind.INVOICES
    FIELDS = (
        "invoice_id",
        "customer_id",
        "customer_name",
        "email",
        "issue_date",
        "due_date",
        "amount",
        "disputed",
        "paid",
        "owed",
    )
    INDEXES = """
        CREATE INDEX by_invoice ON lines (invoice_id);
        CREATE INDEX by_customer ON lines (customer_id, customer_name, email);
    """

    def _parse(self, row: Row) -> Sequence[Any] | None:
        invoice_id = row.get("invoice_id", cells.ledger_id)
        customer_id = row.get("customer_id", cells.customer_id)
        name = row.get("customer_name", cells.name)
        email = row.get("email", cells.email)
        issued = row.get("issue_date", self.dates)
        due = row.get("due_date", self.dates)
        amount = row.get("amount", cells.amount)
        disputed = row.get("disputed", cells.flag)
        paid = row.optional("paid_date", self.dates)
        owed = row.optional("open_balance", _OWED)
        row.get("currency", self.currency)
        if issued is not None and due is not None and due < issued:
            row.refuse("due_date", f"must be on or after issue_date ({issued})", due)
        if issued is not None and paid is not None and paid < issued:
            row.refuse("paid_date", f"must be on or after issue_date ({issued})", paid)
        not_after(row, "paid_date", paid, self.options.today)
        if amount is not None and owed is not None and owed > amount:
            row.refuse("open_balance", f"must be at most the amount ({amount})", owed)
        if invoice_id is None and customer_id is None:
            return None  # nothing to hold against other rows
        return (
            row.number,
            invoice_id,
            customer_id,
            name,
            email,
            issued and issued.isoformat(),
            due and due.isoformat(),
            amount and str(amount),
            disputed,
            paid and paid.isoformat(),
            None if owed is None else str(owed),
        )

    def _check_file(self, problems: ProblemLog) -> None:
        self._duplicates(problems, ["invoice_id"], "must be unique: row {first} has it too")
        self._one_per_key(problems, "customer_id", "customer_name")
        self._one_per_key(problems, "customer_id", "email")

    def customers(self, size: int) -> Iterator[list[CustomerLine]]:
        query = (
            "SELECT customer_id, MIN(customer_name), MAX(email), MIN(row) FROM lines "
            "GROUP BY customer_id ORDER BY customer_id"
        )
        for chunk in chunks(self.lines(query), size):
            yield [CustomerLine(row, cid, name, email) for cid, name, email, row in chunk]

    def invoices(self, size: int) -> Iterator[list[InvoiceLine]]:
        query = f"SELECT row, {_LINE_FIELDS} FROM lines ORDER BY invoice_id"  # noqa: S608
        for chunk in chunks(self.lines(query), size):
            yield [self._line(values) for values in chunk]

    @staticmethod
    def _line(values: tuple[Any, ...]) -> InvoiceLine:
        row, invoice_id, customer_id, issued, due, amount, disputed, paid, owed = values
        # Every value passed cells.py's rules (the models' own patterns and bounds, and due
        # after issue) in the scan: validating each again was most of the import's time.
        invoice = checked_invoice(
            invoice_id,
            customer_id,
            date.fromisoformat(issued),
            date.fromisoformat(due),
            Decimal(amount),
            bool(disputed),
        )
        return InvoiceLine(row, invoice, _day(paid), _money(owed))
