"""The ledger on DynamoDB: the LedgerRepository methods of ``DynamoRepo``.

Reads cost what they return: customers and invoices by key (BatchGetItem), lists by
Query of one index partition (``ledger_items.py`` has the keys). Today's aging
reads the ``INVOICE_OPEN`` partition of ``gsi2``; a past day adds the invoices settled
after it, a range of ``INVOICE_SETTLED``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Final

from finance_agent.domain.errors import ConflictError
from finance_agent.domain.ledger.ports import InvoicePage
from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo import ledger_items as ledger
from finance_agent.infra.dynamo.reads import BatchReads
from finance_agent.infra.dynamo.table import GSI1_NAME, GSI2_NAME, GSI3_NAME
from finance_agent.infra.ledger_keys import (
    check_limit,
    chunks,
    decode_cursor,
    due_key,
    encode_cursor,
    open_at,
)
from finance_agent.shared.log import logger

WRITE_CHUNK: Final = 1000  # records a stream is written in: memory stays flat
FILTERED_PAGE: Final = 100  # items examined per Query when a filter drops some


class DynamoLedger(BatchReads):
    # -- customers --
    def put_customers(self, customers: Iterable[Customer]) -> None:
        self._batch_put(ledger.customer_item(customer) for customer in customers)

    def get_customers(self, customer_ids: Iterable[str]) -> dict[str, Customer]:
        raw = self._batch_get(ledger.customer_pk(cid) for cid in customer_ids)
        return {c.customer_id: c for c in self._parsed(raw, ledger.customer_from_item)}

    def list_customers(self) -> list[Customer]:
        query = self._gsi1_query(ledger.CUSTOMER)
        return self._parsed(self._query_all(query), ledger.customer_from_item)

    # -- invoices --
    def put_invoice_records(self, records: Iterable[InvoiceRecord]) -> None:
        earliest: date | None = None
        for chunk in chunks(records, WRITE_CHUNK):
            # The earliest issue date is kept before the invoices are written, so an import
            # that stops midway leaves it early, never late.
            first = min(record.invoice.issue_date for record in chunk)
            if earliest is None or first < earliest:
                self._keep_first_issue_date(first)
                earliest = first
            self._batch_put(ledger.invoice_item(record) for record in chunk)

    def get_invoice_records(self, invoice_ids: Iterable[str]) -> dict[str, InvoiceRecord]:
        raw = self._batch_get(ledger.invoice_pk(iid) for iid in invoice_ids)
        records = self._parsed(raw, ledger.invoice_record_from_item)
        return {record.invoice_id: record for record in records}

    def open_invoices_as_of(self, as_of: date) -> list[InvoiceRecord]:
        raw = list(self._query_all(self._index_query(GSI2_NAME, ledger.INVOICE_OPEN)))
        if as_of < date.max:
            # "<settled_on>#<id>" >= the next day: settled after as_of.
            later = {":later": {"S": (as_of + timedelta(days=1)).isoformat()}}
            query = self._index_query(
                GSI2_NAME, ledger.INVOICE_SETTLED, f"{GSI2_NAME}sk >= :later", later
            )
            raw += self._query_all(query)
        return open_at(self._parsed(raw, ledger.invoice_record_from_item), as_of)

    def list_invoices(
        self,
        *,
        customer_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
        after: str | None = None,
    ) -> InvoicePage:
        check_limit(limit)
        index, partition = GSI1_NAME, ledger.INVOICE
        if customer_id is not None:
            index, partition = GSI3_NAME, ledger.customer_invoices(customer_id)
        elif open_only:
            index, partition = GSI2_NAME, ledger.INVOICE_OPEN
        condition, values, extra = "", {}, {}
        if after is not None:
            # The cursor is a position in the sort key, so a page continues after it
            # whether or not that invoice is still there.
            condition, values = (
                f"{index}sk > :after",
                {":after": {"S": due_key(*decode_cursor(after))}},
            )
        filtered = customer_id is not None and open_only
        if filtered:  # a customer's open ones: that customer's invoices, the paid dropped
            extra = {"FilterExpression": f"{GSI2_NAME}pk = :open"}
            values[":open"] = {"S": ledger.INVOICE_OPEN}
        query = self._index_query(index, partition, condition, values, **extra)
        found: list[InvoiceRecord] = []
        start: dict[str, Any] | None = None
        while len(found) <= limit:  # one more than asked says whether another page exists
            want = limit + 1 - len(found)
            ask = max(want, FILTERED_PAGE) if filtered else want
            page, start = self._query_page(query, min(ask, self._page_size or ask), start)
            found += self._parsed(page, ledger.invoice_record_from_item)
            if start is None:
                break
        next_token = encode_cursor(found[limit - 1]) if len(found) > limit else None
        return InvoicePage(items=found[:limit], next_token=next_token)

    # -- reminders per invoice --
    def record_invoice_reminder(self, invoice_ids: Iterable[str], remind_date: date) -> None:
        # ADD to a string set: atomic, and a day added twice is kept once.
        for invoice_id in dict.fromkeys(invoice_ids):
            self._call(
                "UpdateItem",
                self.client.update_item,
                TableName=self.table_name,
                Key=items.key(ledger.reminder_pk(invoice_id)),
                UpdateExpression="SET invoice_id = :id ADD #days :day",
                ExpressionAttributeNames={"#days": ledger.REMINDED_ON},
                ExpressionAttributeValues={
                    ":id": {"S": invoice_id},
                    ":day": {"SS": [remind_date.isoformat()]},
                },
            )

    def last_reminder_dates(self, invoice_ids: Iterable[str], as_of: date) -> dict[str, date]:
        raw = self._batch_get(ledger.reminder_pk(iid) for iid in invoice_ids)
        found = {}
        for invoice_id, days in self._parsed(raw, ledger.reminder_days_from_item):
            last = max((day for day in days if day <= as_of), default=None)
            if last is not None:
                found[invoice_id] = last
        return found

    def first_issue_date(self) -> date | None:
        raw = self._get_raw(ledger.LEDGER_META_PK) or {}
        stored = raw.get(ledger.FIRST_ISSUE_DATE, {}).get("S")
        try:
            return None if stored is None else date.fromisoformat(stored)
        except ValueError:
            logger.bind(table=self.table_name, pk=ledger.LEDGER_META_PK).warning(
                "skipping malformed item"
            )
            return None

    def _keep_first_issue_date(self, day: date) -> None:
        """Store ``day`` unless an earlier one is stored (one conditional update; when one
        is, the condition fails and nothing changes)."""
        with contextlib.suppress(ConflictError):
            self._call(
                "UpdateItem",
                self.client.update_item,
                conflict="an earlier first issue date is stored",
                TableName=self.table_name,
                Key=items.key(ledger.LEDGER_META_PK),
                UpdateExpression="SET #first = :day",
                ConditionExpression="attribute_not_exists(#first) OR #first > :day",
                ExpressionAttributeNames={"#first": ledger.FIRST_ISSUE_DATE},
                ExpressionAttributeValues={":day": {"S": day.isoformat()}},
            )
