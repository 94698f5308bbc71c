"""The SQLite file's schema version (``PRAGMA user_version``) and its in-place upgrades.

Version 0 is a file from before the ledger (or a new one): sales days, AR aging as five
numbers per customer, KPIs, actions, idempotency records, chats. Version 1 adds the
ledger and converts each AR aging row into a customer and its opening invoices
(``ar_aging_conversion.py``); the AR aging rows stay where they were, no longer read as
receivables. An upgrade is one transaction: a file is either upgraded or untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Final

import pydantic

from finance_agent.domain.errors import StoreError
from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.domain.models import ARAging
from finance_agent.infra.ar_aging_conversion import opening_ledger
from finance_agent.infra.sqlite.ledger_rows import (
    LEDGER_TABLES,
    write_customers,
    write_invoice_records,
)
from finance_agent.infra.sqlite.receivables import aging_from_row
from finance_agent.shared.log import logger

SCHEMA_VERSION: Final = 1


def schema_version(conn: sqlite3.Connection) -> int:
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    return int(version)


def upgrade(conn: sqlite3.Connection, today: date) -> None:
    """Bring the file to ``SCHEMA_VERSION``; ``today`` dates the opening invoices.

    The write lock is taken before the version is read, so of two processes opening the
    same old file at once, one upgrades it and the other finds it done. A file from a
    newer finance-agent is refused rather than misread.
    """
    if schema_version(conn) == SCHEMA_VERSION:
        return  # the usual case: no write lock taken on open
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"this SQLite file has schema version {version}, written by a newer"
                f" finance-agent; this one reads up to version {SCHEMA_VERSION}"
            )
        if version < 1:
            _add_ledger(conn, today)
        # A PRAGMA takes no parameters; the value is our own integer.
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


def _add_ledger(conn: sqlite3.Connection, today: date) -> None:
    for statement in LEDGER_TABLES:
        conn.execute(statement)
    customers: list[Customer] = []
    records: list[InvoiceRecord] = []
    for row in _aging_rows(conn):
        customer, opening = opening_ledger(row, today)
        customers.append(customer)
        records.extend(opening)
    write_customers(conn, customers)
    write_invoice_records(conn, records)
    if customers:
        logger.bind(customers=len(customers), invoices=len(records)).info(
            "converted AR aging into opening invoices"
        )


def _aging_rows(conn: sqlite3.Connection) -> Iterator[ARAging]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    for row in cursor.execute("SELECT * FROM ar_aging ORDER BY customer_id"):
        try:
            yield aging_from_row(row)
        except (pydantic.ValidationError, TypeError, ArithmeticError) as exc:
            # A row no model accepts could not be read before either: skipped, not fatal.
            reason = type(exc).__name__
            logger.bind(customer_id=row["customer_id"], reason=reason).warning(
                "skipping malformed AR aging row"
            )
