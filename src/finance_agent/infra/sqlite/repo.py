"""The embedded store: the FinanceRepository protocol over one SQLite file (stdlib sqlite3).

Same logical records as the DynamoDB table, with keys that give the same read costs: sales
by date are a primary-key range, the ledger's invoices are read through its indexes
(``ledger.py``); the action log is read newest first through an index with the keyset
cursor both stores share. Each kind of record has
its own module; a new kind is a new module and one more base class here.
"""

from __future__ import annotations

from finance_agent.infra.sqlite.actions import ActionRecords
from finance_agent.infra.sqlite.chat import ChatHistory
from finance_agent.infra.sqlite.figures import FigureRecords
from finance_agent.infra.sqlite.idempotency import IdempotencyRecords
from finance_agent.infra.sqlite.ledger import SqliteLedger
from finance_agent.infra.sqlite.ledger_transaction import SqliteLedgerTransaction


class SqliteRepo(
    FigureRecords,
    ActionRecords,
    IdempotencyRecords,
    ChatHistory,
    SqliteLedger,
    SqliteLedgerTransaction,
):
    """FinanceRepository and LedgerRepository on a local SQLite file; safe to share between
    threads.

    Opened (and its schema made) by ``SqliteFile`` in ``connection.py``.
    """
