"""Reads from the DynamoDB table that turn stored items into models, skipping (and logging)
any item that cannot be one; items read by key in batches (BatchGetItem), with the keys
DynamoDB left unprocessed read again, as writes are resent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, TypeVar

from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.calls import TableCalls
from finance_agent.infra.dynamo.table import GSI1_NAME
from finance_agent.infra.ledger_keys import chunks
from finance_agent.shared.log import logger

M = TypeVar("M")


class TableReads(TableCalls):
    """Item reads (GetItem, the ``gsi1`` queries) and the parsing every read goes through."""

    def _get_raw(self, pk: str) -> dict[str, Any] | None:
        """The stored item as DynamoDB returns it, read consistently; None if there is none."""
        response = self._call(
            "GetItem",
            self.client.get_item,
            TableName=self.table_name,
            Key=items.key(pk),
            ConsistentRead=True,
        )
        return response.get("Item")

    def _get(self, pk: str, parse: Callable[[dict[str, Any]], M]) -> M | None:
        raw = self._get_raw(pk)
        return None if raw is None else self._parse(raw, parse)

    def _gsi1_query(
        self,
        partition: str,
        sort_condition: str = "",
        values: dict[str, Any] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        return self._index_query(GSI1_NAME, partition, sort_condition, values, **kw)

    def _index_query(
        self,
        index: str,
        partition: str,
        sort_condition: str = "",
        values: dict[str, Any] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        """A Query of one partition of ``index`` (keys ``<index>pk``, ``<index>sk``)."""
        condition = f"{index}pk = :pk" + (f" AND {sort_condition}" if sort_condition else "")
        return {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": {":pk": {"S": partition}} | (values or {}),
            **kw,
        }

    def _parse(self, raw: dict[str, Any], parse: Callable[[dict[str, Any]], M]) -> M | None:
        try:
            return parse(raw)
        except items.MalformedItem as exc:
            pk = raw.get("pk", {}).get("S", "?") if isinstance(raw.get("pk"), dict) else "?"
            logger.bind(table=self.table_name, pk=pk, reason=str(exc)).warning(
                "skipping malformed item"
            )
            return None

    def _parsed(
        self, raw: Iterable[dict[str, Any]], parse: Callable[[dict[str, Any]], M]
    ) -> list[M]:
        return [model for model in (self._parse(item, parse) for item in raw) if model is not None]


KEYS_PER_CALL: Final = 100  # BatchGetItem's maximum


class BatchReads(TableReads):
    def _batch_get(self, pks: Iterable[str]) -> Iterator[dict[str, Any]]:
        """The stored items among ``pks`` (each asked once), read consistently, in no order."""
        found: list[dict[str, Any]] = []

        def send(keys: list[Any]) -> list[Any]:
            response = self._call(
                "BatchGetItem",
                self.client.batch_get_item,
                RequestItems={self.table_name: {"Keys": keys, "ConsistentRead": True}},
            )
            found.extend(response.get("Responses", {}).get(self.table_name, []))
            unprocessed: Any = response.get("UnprocessedKeys", {}).get(self.table_name, {})
            return list(unprocessed.get("Keys", []))

        for batch in chunks(dict.fromkeys(pks), KEYS_PER_CALL):
            self._until_processed("BatchGetItem", send, [items.key(pk) for pk in batch])
            yield from found
            found.clear()
