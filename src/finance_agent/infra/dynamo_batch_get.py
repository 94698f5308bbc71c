"""Items read by key in batches (BatchGetItem), with the keys DynamoDB left unprocessed
read again, backing off as ``TableCalls._batch_put`` does for writes."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from typing import Any, Final

from finance_agent.domain.errors import StoreUnavailableError
from finance_agent.infra import dynamo_items as items
from finance_agent.infra.dynamo_reads import TableReads
from finance_agent.infra.ledger_keys import chunks
from finance_agent.shared.log import logger

KEYS_PER_CALL: Final = 100  # BatchGetItem's maximum


class BatchReads(TableReads):
    def _batch_get(self, pks: Iterable[str]) -> Iterator[dict[str, Any]]:
        """The stored items among ``pks`` (each asked once), read consistently, in no order."""
        for batch in chunks(dict.fromkeys(pks), KEYS_PER_CALL):
            keys: list[Any] = [items.key(pk) for pk in batch]
            for attempt in range(self._max_batch_attempts):
                if attempt:
                    cap = self._backoff_seconds * 2**attempt
                    time.sleep(random.uniform(0, cap))  # noqa: S311 - jitter, not a secret
                response = self._call(
                    "BatchGetItem",
                    self.client.batch_get_item,
                    RequestItems={self.table_name: {"Keys": keys, "ConsistentRead": True}},
                )
                yield from response.get("Responses", {}).get(self.table_name, [])
                unprocessed: Any = response.get("UnprocessedKeys", {}).get(self.table_name, {})
                keys = list(unprocessed.get("Keys", []))
                if not keys:
                    break
            else:
                logger.bind(table=self.table_name, unprocessed=len(keys)).error(
                    "batch read gave up"
                )
                raise StoreUnavailableError(
                    f"DynamoDB BatchGetItem left {len(keys)} keys unprocessed "
                    f"after {self._max_batch_attempts} attempts"
                )
