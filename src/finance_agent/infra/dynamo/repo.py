"""The DynamoDB store: one table, reads that cost what they return (Query/GetItem, never Scan).

``DynamoRepo`` is one module per kind of record (figures, receivables, actions, idempotency
records, chat history, the ledger), each with its items and its methods, and beneath them
the table's reads and client calls. A new kind is a new module and one more base class here.
"""

from __future__ import annotations

from finance_agent.infra.dynamo.actions import AgentActions
from finance_agent.infra.dynamo.chat import ChatHistory
from finance_agent.infra.dynamo.figures import FigureRecords
from finance_agent.infra.dynamo.idempotency import IdempotencyRecords
from finance_agent.infra.dynamo.ledger_upgrade import LedgerUpgrade
from finance_agent.infra.dynamo.receivables import ReceivableRecords


class DynamoRepo(
    FigureRecords, ReceivableRecords, AgentActions, IdempotencyRecords, ChatHistory, LedgerUpgrade
):
    """FinanceRepository and LedgerRepository on one DynamoDB table (see DESIGN.md, "Data
    model"); the ledger's methods are in ``ledger.py``, its upgrade in ``ledger_upgrade.py``.

    Constructed as ``TableCalls`` is (``infra/dynamo/calls.py``): ``page_size``, ``client``
    and the batch-write retry options are described there.
    """
