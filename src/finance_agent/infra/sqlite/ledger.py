"""The ledger on SQLite: the LedgerRepository methods of ``SqliteRepo``.

Each read is one statement over an index that holds what it returns (see
``ledger_rows.py``), so today's aging reads the open invoices, not the history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from finance_agent.domain.ledger.ports import InvoicePage
from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.infra.ledger_keys import (
    check_limit,
    chunks,
    decode_cursor,
    encode_cursor,
    open_at,
)
from finance_agent.infra.sqlite.ledger_rows import (
    FIRST_ISSUE_DATE,
    RECORD_COLUMNS,
    WITH_SETTLEMENTS,
    customer_from_row,
    records_from_rows,
    write_customers,
    write_invoice_records,
)

_KEYS_PER_READ: Final = 500  # well under SQLite's limit on parameters
# Open now, and settled after the day: the two partial indexes, nothing else. Open rows
# have no settled_on, so no invoice is read twice.
_OPEN_OR_SETTLED_AFTER: Final = (
    f"SELECT {RECORD_COLUMNS} FROM ("  # noqa: S608 - constants only
    " SELECT * FROM invoices WHERE open_cents > 0"
    " UNION ALL SELECT * FROM invoices WHERE settled_on > ?"
    f") AS i {WITH_SETTLEMENTS}"
)


class SqliteLedger:
    """Mixed into ``SqliteRepo``, which provides the connection and error handling."""

    if TYPE_CHECKING:

        def _conn(self) -> sqlite3.Connection: ...

        def _errors(self) -> AbstractContextManager[None]: ...

        def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]: ...

    # -- customers --
    def put_customers(self, customers: Iterable[Customer]) -> None:
        with self._errors(), self._conn() as conn:
            write_customers(conn, customers)

    def get_customers(self, customer_ids: Iterable[str]) -> dict[str, Customer]:
        found = {}
        for row in self._by_keys("SELECT * FROM customers WHERE customer_id IN", customer_ids):
            customer = customer_from_row(row)
            found[customer.customer_id] = customer
        return found

    def list_customers(self) -> list[Customer]:
        rows = self._read("SELECT * FROM customers ORDER BY customer_id")
        return [customer_from_row(row) for row in rows]

    # -- invoices --
    def put_invoice_records(self, records: Iterable[InvoiceRecord]) -> None:
        # One transaction: each record with its settlements, and the whole call, atomic.
        with self._errors(), self._conn() as conn:
            write_invoice_records(conn, records)

    def get_invoice_records(self, invoice_ids: Iterable[str]) -> dict[str, InvoiceRecord]:
        select = f"SELECT {RECORD_COLUMNS} FROM invoices AS i {WITH_SETTLEMENTS}"  # noqa: S608
        rows = list(self._by_keys(f"{select} WHERE i.invoice_id IN", invoice_ids))
        return {record.invoice_id: record for record in records_from_rows(rows)}

    def open_invoices_as_of(self, as_of: date) -> list[InvoiceRecord]:
        rows = self._read(_OPEN_OR_SETTLED_AFTER, (as_of.isoformat(),))
        return open_at(records_from_rows(rows), as_of)

    def list_invoices(
        self,
        *,
        customer_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
        after: str | None = None,
    ) -> InvoicePage:
        check_limit(limit)
        terms: list[str] = []
        params: list[Any] = []
        if customer_id is not None:
            terms.append("customer_id = ?")
            params.append(customer_id)
        if open_only:
            terms.append("open_cents > 0")  # as the partial index says it, so it is used
        if after is not None:
            due_date, invoice_id = decode_cursor(after)
            # A row-value comparison: SQLite seeks into the index instead of filtering.
            terms.append("(due_date, invoice_id) > (?, ?)")
            params += [due_date.isoformat(), invoice_id]
        where = f"WHERE {' AND '.join(terms)}" if terms else ""
        # One row more than asked says whether another page exists.
        page = f"SELECT * FROM invoices {where} ORDER BY due_date, invoice_id LIMIT ?"  # noqa: S608
        rows = self._read(
            f"SELECT {RECORD_COLUMNS} FROM ({page}) AS i {WITH_SETTLEMENTS}"  # noqa: S608
            " ORDER BY i.due_date, i.invoice_id",
            [*params, limit + 1],
        )
        records = records_from_rows(rows)
        next_token = encode_cursor(records[limit - 1]) if len(records) > limit else None
        return InvoicePage(items=records[:limit], next_token=next_token)

    # -- reminders per invoice --
    def record_invoice_reminder(self, invoice_ids: Iterable[str], remind_date: date) -> None:
        rows = ((invoice_id, remind_date.isoformat()) for invoice_id in dict.fromkeys(invoice_ids))
        with self._errors(), self._conn() as conn:
            conn.executemany("INSERT OR IGNORE INTO invoice_reminders VALUES (?, ?)", rows)

    def last_reminder_dates(self, invoice_ids: Iterable[str], as_of: date) -> dict[str, date]:
        # The primary key (invoice_id, remind_date) holds each invoice's days in order.
        select = (
            "SELECT invoice_id, MAX(remind_date) AS last FROM invoice_reminders"
            " WHERE remind_date <= ? AND invoice_id IN"
        )
        rows = self._by_keys(select, invoice_ids, " GROUP BY invoice_id", [as_of.isoformat()])
        return {row["invoice_id"]: date.fromisoformat(row["last"]) for row in rows}

    def first_issue_date(self) -> date | None:
        rows = self._read("SELECT value FROM ledger_meta WHERE name = ?", (FIRST_ISSUE_DATE,))
        return date.fromisoformat(rows[0]["value"]) if rows else None

    def _by_keys(
        self, select: str, keys: Iterable[str], tail: str = "", params: Sequence[Any] = ()
    ) -> Iterator[sqlite3.Row]:
        """``select`` ending in ``... IN`` (its own ``params`` first), then ``tail``, run
        for the distinct keys in batches."""
        for batch in chunks(dict.fromkeys(keys), _KEYS_PER_READ):
            marks = ", ".join("?" * len(batch))
            yield from self._read(f"{select} ({marks}){tail}", [*params, *batch])
