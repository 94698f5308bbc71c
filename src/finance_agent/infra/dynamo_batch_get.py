"""Items read by key in batches (BatchGetItem), with the keys DynamoDB left unprocessed
read again, as ``TableCalls._batch_put`` resends writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from finance_agent.infra import dynamo_items as items
from finance_agent.infra.dynamo_reads import TableReads
from finance_agent.infra.ledger_keys import chunks

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
