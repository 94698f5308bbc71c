"""What an import may use of a store beyond ``LedgerRepository``: writes in one transaction.

A store that has them (SQLite) lets an import write as it checks, in one transaction that is
committed only when the whole file turned out clean: one pass over the file instead of two,
one commit instead of one per batch, and nothing kept of a refused file. A store without
them (DynamoDB, where BatchWriteItem is no transaction) is checked whole first and written
after, batch by batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from finance_agent.domain.ledger.records import Customer, InvoiceRecord


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
