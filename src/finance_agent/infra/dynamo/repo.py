"""The DynamoDB store: one table, reads that cost what they return (Query/GetItem, never Scan).

``DynamoRepo`` is one module per kind of record (figures, actions, idempotency records, chat
history, the ledger), each with its items and its methods, and beneath them the table's
reads and client calls (``receivables.py`` reads the AR aging items of before the ledger,
for its upgrade). A new kind is a new module and one more base class here.
"""

from __future__ import annotations

from finance_agent.infra.dynamo.actions import AgentActions
from finance_agent.infra.dynamo.chat import ChatHistory
from finance_agent.infra.dynamo.figures import FigureRecords
from finance_agent.infra.dynamo.idempotency import IdempotencyRecords
from finance_agent.infra.dynamo.ledger_upgrade import LedgerUpgrade


class DynamoRepo(FigureRecords, AgentActions, IdempotencyRecords, ChatHistory, LedgerUpgrade):
    """FinanceRepository and LedgerRepository on one DynamoDB table (see DESIGN.md, "Data
    model"); the ledger's methods are in ``ledger.py``, its upgrade in ``ledger_upgrade.py``.

    Constructed as ``TableCalls`` is (``infra/dynamo/calls.py``): ``page_size``, ``client``
    and the batch-write retry options are described there.
    """
