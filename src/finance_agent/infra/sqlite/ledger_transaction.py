"""Ledger writes in one SQLite transaction, for an import (``TransactionalLedger``).

An import checks and writes in one pass inside it, and commits only a file found clean: one
commit (one sync to disk) for the whole file instead of one per batch, and a refused or failed
import leaves the file as it was. ``BEGIN IMMEDIATE`` takes the write lock at the start, so
what the import reads cannot change under it. The page cache is raised for the transaction:
an import's inserts land all over the invoices' indexes, and with SQLite's default 2 MB of
cache most of them would write a page out and read another in (about twice the time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.infra.sqlite.ledger_rows import write_customers, write_invoice_records

IMPORT_CACHE_KIB = 32 * 1024  # a bound: memory stays flat however long the file


class _Writes:
    """The transaction's writes: the store's own, on its connection, without a commit."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def put_customers(self, customers: Iterable[Customer]) -> None:
        write_customers(self._conn, customers)

    def put_invoice_records(self, records: Iterable[InvoiceRecord]) -> None:
        write_invoice_records(self._conn, records)


class SqliteLedgerTransaction:
    """Mixed into ``SqliteRepo``, which provides the connection and error handling."""

    if TYPE_CHECKING:

        def _conn(self) -> sqlite3.Connection: ...

        def _errors(self) -> AbstractContextManager[None]: ...

    @contextmanager
    def ledger_transaction(self) -> Iterator[_Writes]:
        with self._errors():
            conn = self._conn()
            (cache,) = conn.execute("PRAGMA cache_size").fetchone()
            conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield _Writes(conn)
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
            finally:
                conn.execute(f"PRAGMA cache_size = {int(cache)}")
