"""The DynamoDB store: one table, reads that cost what they return (Query/GetItem, never Scan).

``DynamoRepo`` holds the KPI cache, daily sales and receivables, and takes the rest from one
module each: agent actions, idempotency records, chat history, and beneath them the table's
reads and client calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import ARAging, KPISnapshot, SalesDay
from finance_agent.infra import dynamo_items as items
from finance_agent.infra.dynamo_actions import AgentActions
from finance_agent.infra.dynamo_calls import BATCH_SIZE, shared_client
from finance_agent.infra.dynamo_chat import ChatHistory
from finance_agent.infra.dynamo_idempotency import IdempotencyRecords
from finance_agent.infra.dynamo_ledger_upgrade import LedgerUpgrade
from finance_agent.shared.clock import today

__all__ = ["BATCH_SIZE", "DynamoRepo", "shared_client"]


class DynamoRepo(AgentActions, IdempotencyRecords, ChatHistory, LedgerUpgrade):
    """FinanceRepository and LedgerRepository on one DynamoDB table (see DESIGN.md, "Data
    model"); the ledger's methods are in ``dynamo_ledger.py``.

    Constructed as ``TableCalls`` is (``infra/dynamo_calls.py``): ``page_size``, ``client``
    and the batch-write retry options are described there.
    """

    # -- KPIs cache --
    def get_kpis(self, period: str) -> KPISnapshot | None:
        return self._get(items.kpi_pk(period), items.kpi_from_item)

    def put_kpis(self, snapshot: KPISnapshot) -> None:
        item = items.kpi_item(snapshot)
        self._call("PutItem", self.client.put_item, TableName=self.table_name, Item=item)

    # -- daily sales --
    def get_sales_series(self, days: int, end: date | None = None) -> list[SalesDay]:
        if days < 1:
            raise ValidationError("days", "must be at least 1")
        last = end if end is not None else today()
        try:
            first = last - timedelta(days=days - 1)
        except OverflowError:  # more days than the calendar holds: everything up to end
            first = date.min
        query = self._gsi1_query(
            items.SALES,
            "gsi1sk BETWEEN :first AND :last",
            {":first": {"S": first.isoformat()}, ":last": {"S": last.isoformat()}},
        )
        return self._parsed(self._query_all(query), items.sales_from_item)

    def put_sales_days(self, days: Iterable[SalesDay]) -> None:
        self._batch_put(items.sales_item(day) for day in days)

    def latest_sales_date(self) -> date | None:
        query = self._gsi1_query(items.SALES, ScanIndexForward=False)
        start: dict[str, Any] | None = None
        while True:  # normally one item; more only past malformed ones
            page, start = self._query_page(query, 1, start)
            for sales in self._parsed(page, items.sales_from_item):
                return sales.date
            if start is None:
                return None

    # -- receivables --
    def get_ar_aging(self) -> list[ARAging]:
        query = self._gsi1_query(items.AR_AGING)
        return self._parsed(self._query_all(query), items.ar_from_item)

    def get_customer_aging(self, customer_id: str) -> ARAging | None:
        return self._get(items.ar_pk(customer_id), items.ar_from_item)

    def put_ar_aging(self, rows: Iterable[ARAging]) -> None:
        self._batch_put(items.ar_item(row) for row in rows)
