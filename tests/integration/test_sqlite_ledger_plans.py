"""The SQLite ledger's reads go through the index that holds what they return, never a scan
of the invoices, and find each invoice's settlements by key: every statement a read runs is
traced and explained with SQLite's ``EXPLAIN QUERY PLAN``. (``SCAN i`` walks the rows a
limited subquery already picked through an index.)"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from finance_agent.domain.ledger.records import Invoice, InvoiceRecord
from finance_agent.infra.ledger_keys import encode_cursor
from finance_agent.infra.sqlite_repo import SqliteRepo

D = date(2024, 6, 30)


def plans(repo: SqliteRepo, read: Callable[[SqliteRepo], object]) -> list[str]:
    """The query plan lines of every statement ``read`` runs on this thread."""
    statements: list[str] = []
    conn = repo._conn()
    conn.set_trace_callback(statements.append)
    try:
        read(repo)
    finally:
        conn.set_trace_callback(None)
    explain = sqlite3.connect(repo.path)
    try:
        return [
            row[3]
            for sql in statements
            for row in explain.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        ]
    finally:
        explain.close()


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[SqliteRepo]:
    store = SqliteRepo(tmp_path / "plans.db")
    yield store
    store.close()


AFTER = encode_cursor(
    InvoiceRecord(
        invoice=Invoice(
            invoice_id="A-1",
            customer_id="C1",
            issue_date=D,
            due_date=D,
            amount=Decimal("1.00"),
        )
    )
)
SETTLEMENTS_BY_KEY = "SEARCH s USING PRIMARY KEY (invoice_id=?)"

# Each read, and the plan lines it must show, in order.
READS: dict[str, tuple[Callable[[SqliteRepo], object], list[str]]] = {
    "open as of a day": (
        lambda r: r.open_invoices_as_of(D),
        [
            "SCAN invoices USING INDEX invoices_open",  # the partial index: open rows only
            SETTLEMENTS_BY_KEY,
            "SEARCH invoices USING INDEX invoices_settled (settled_on>?)",
            SETTLEMENTS_BY_KEY,
        ],
    ),
    "all invoices": (
        lambda r: r.list_invoices(limit=10),
        ["SCAN invoices USING INDEX invoices_by_due", SETTLEMENTS_BY_KEY],
    ),
    "open invoices, next page": (
        lambda r: r.list_invoices(open_only=True, after=AFTER),
        ["SEARCH invoices USING INDEX invoices_open ((due_date,invoice_id)>(?,?))"],
    ),
    "a customer's open ones, next page": (
        lambda r: r.list_invoices(customer_id="C1", open_only=True, after=AFTER),
        [
            "SEARCH invoices USING INDEX invoices_by_customer"
            " (customer_id=? AND (due_date,invoice_id)>(?,?))"
        ],
    ),
    "by key": (
        lambda r: r.get_invoice_records(["A", "B"]),
        ["SEARCH i USING PRIMARY KEY (invoice_id=?)", SETTLEMENTS_BY_KEY],
    ),
    "customers by key": (
        lambda r: r.get_customers(["C1"]),
        ["SEARCH customers USING PRIMARY KEY (customer_id=?)"],
    ),
    "first issue date": (
        lambda r: r.first_issue_date(),
        ["SEARCH ledger_meta USING PRIMARY KEY (name=?)"],
    ),
}


@pytest.mark.parametrize("name", list(READS))
def test_each_read_seeks_the_index_that_holds_what_it_returns(repo: SqliteRepo, name: str) -> None:
    read, wanted = READS[name]

    lines = plans(repo, read)

    found = iter(lines)
    assert all(any(want in line for line in found) for want in wanted), lines
    scans = [line for line in lines if line.startswith("SCAN") and line != "SCAN i"]
    assert all("USING INDEX" in line for line in scans), lines  # never a whole table
