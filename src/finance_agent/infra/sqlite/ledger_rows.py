"""The ledger's SQLite tables: their definition, and records written to and read from rows.

Keys and indexes give the DynamoDB store's read costs: open invoices through a partial
index (``open_cents > 0``), those settled after a day through one on ``settled_on``, a
customer's through ``(customer_id, due_date, invoice_id)``, all through
``(due_date, invoice_id)``. Each invoice row keeps ``open_cents`` and ``settled_on``
derived from its settlements, written with them in one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Final

from finance_agent.domain.ledger.records import (
    Customer,
    Invoice,
    InvoiceRecord,
    Settlement,
    SettlementKind,
)
from finance_agent.domain.money import cents, from_cents
from finance_agent.infra.ledger_keys import chunks, settlement_order

# Statements one by one: the migration runs them inside its own transaction, which
# ``executescript`` would commit first.
LEDGER_TABLES: Final = (
    """CREATE TABLE IF NOT EXISTS customers (
        customer_id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT,
        payment_terms_days INTEGER, hold_reason TEXT
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS invoices (
        invoice_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, issue_date TEXT NOT NULL,
        due_date TEXT NOT NULL, amount_cents INTEGER NOT NULL, disputed INTEGER NOT NULL,
        open_cents INTEGER NOT NULL, settled_on TEXT
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS settlements (
        invoice_id TEXT NOT NULL, settlement_id TEXT NOT NULL, kind TEXT NOT NULL,
        settled_on TEXT NOT NULL, amount_cents INTEGER NOT NULL, inferred INTEGER NOT NULL,
        PRIMARY KEY (invoice_id, settlement_id)
    ) WITHOUT ROWID""",
    """CREATE INDEX IF NOT EXISTS invoices_open
        ON invoices (due_date, invoice_id) WHERE open_cents > 0""",
    """CREATE INDEX IF NOT EXISTS invoices_settled
        ON invoices (settled_on, invoice_id) WHERE settled_on IS NOT NULL""",
    """CREATE INDEX IF NOT EXISTS invoices_by_customer
        ON invoices (customer_id, due_date, invoice_id)""",
    "CREATE INDEX IF NOT EXISTS invoices_by_due ON invoices (due_date, invoice_id)",
    """CREATE TABLE IF NOT EXISTS ledger_meta (
        name TEXT PRIMARY KEY, value TEXT NOT NULL
    ) WITHOUT ROWID""",
)

# An invoice's columns, then its settlements' (NULL for an invoice with none).
RECORD_COLUMNS: Final = (
    "i.invoice_id, i.customer_id, i.issue_date, i.due_date, i.amount_cents, i.disputed,"
    " s.settlement_id, s.kind, s.settled_on AS s_settled_on,"
    " s.amount_cents AS s_amount_cents, s.inferred"
)
WITH_SETTLEMENTS: Final = "LEFT JOIN settlements AS s ON s.invoice_id = i.invoice_id"

FIRST_ISSUE_DATE: Final = "first_issue_date"
# Keeps the earliest: ISO dates order as text.
_KEEP_EARLIEST = (
    "INSERT INTO ledger_meta VALUES (?, ?)"
    " ON CONFLICT(name) DO UPDATE SET value = min(value, excluded.value)"
)
_CHUNK = 500


def write_customers(conn: sqlite3.Connection, customers: Iterable[Customer]) -> None:
    rows = (
        (c.customer_id, c.name, c.email, c.payment_terms_days, c.hold_reason) for c in customers
    )
    conn.executemany("INSERT OR REPLACE INTO customers VALUES (?, ?, ?, ?, ?)", rows)


def write_invoice_records(conn: sqlite3.Connection, records: Iterable[InvoiceRecord]) -> None:
    """Upsert each record with its whole list of settlements, in the caller's transaction."""
    earliest: date | None = None
    for chunk in chunks(records, _CHUNK):
        latest = list({r.invoice_id: r for r in chunk}.values())  # the last of an id wins
        rows = [_record_rows(record) for record in latest]
        conn.executemany(
            "INSERT OR REPLACE INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (invoice for invoice, _ in rows),
        )
        conn.executemany(
            "DELETE FROM settlements WHERE invoice_id = ?", ((r.invoice_id,) for r in latest)
        )
        conn.executemany(
            "INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?)",
            (settlement for _, settlements in rows for settlement in settlements),
        )
        first = min(record.invoice.issue_date for record in latest)
        earliest = first if earliest is None else min(earliest, first)
    if earliest is not None:
        conn.execute(_KEEP_EARLIEST, (FIRST_ISSUE_DATE, earliest.isoformat()))


def _record_rows(record: InvoiceRecord) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The invoice's row and its settlements' rows."""
    invoice = record.invoice
    settlements = [_settlement_row(settlement) for settlement in record.settlements]
    # The record's open_balance and settled_on, in the rows' whole cents and ISO dates (which
    # order as the dates do): an import writes a few hundred thousand of them.
    amount = cents(invoice.amount)
    open_cents = amount - sum(row[4] for row in settlements) if settlements else amount
    settled_on = max(row[3] for row in settlements) if settlements and not open_cents else None
    row = (
        invoice.invoice_id,
        invoice.customer_id,
        invoice.issue_date.isoformat(),
        invoice.due_date.isoformat(),
        amount,
        int(invoice.disputed),
        open_cents,
        settled_on,
    )
    return row, settlements


def _settlement_row(settlement: Settlement) -> tuple[Any, ...]:
    return (
        settlement.invoice_id,
        settlement.settlement_id,
        settlement.kind.value,
        settlement.settled_on.isoformat(),
        cents(settlement.amount),
        int(settlement.inferred),
    )


def customer_from_row(row: sqlite3.Row) -> Customer:
    return Customer(
        customer_id=row["customer_id"],
        name=row["name"],
        email=row["email"],
        payment_terms_days=row["payment_terms_days"],
        hold_reason=row["hold_reason"],
    )


def records_from_rows(rows: Sequence[sqlite3.Row]) -> list[InvoiceRecord]:
    """Rows of ``RECORD_COLUMNS`` (one per settlement) as records, in first-seen order."""
    grouped: dict[str, tuple[sqlite3.Row, list[Settlement]]] = {}
    for row in rows:
        _, settlements = grouped.setdefault(row["invoice_id"], (row, []))
        if row["settlement_id"] is not None:
            settlements.append(
                Settlement(
                    settlement_id=row["settlement_id"],
                    invoice_id=row["invoice_id"],
                    kind=SettlementKind(row["kind"]),
                    settled_on=date.fromisoformat(row["s_settled_on"]),
                    amount=from_cents(row["s_amount_cents"]),
                    inferred=bool(row["inferred"]),
                )
            )
    return [
        InvoiceRecord(invoice=_invoice(row), settlements=settlement_order(settlements))
        for row, settlements in grouped.values()
    ]


def _invoice(row: sqlite3.Row) -> Invoice:
    return Invoice(
        invoice_id=row["invoice_id"],
        customer_id=row["customer_id"],
        issue_date=date.fromisoformat(row["issue_date"]),
        due_date=date.fromisoformat(row["due_date"]),
        amount=from_cents(row["amount_cents"]),
        disputed=bool(row["disputed"]),
    )
