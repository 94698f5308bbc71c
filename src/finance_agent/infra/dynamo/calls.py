"""The DynamoDB calls under the store: the process's clients, SDK errors as domain errors,
Query pages followed to the end, and batch writes that resend what DynamoDB left unprocessed.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as EndpointUnreachable

from finance_agent.domain.errors import ConflictError, StoreError, StoreUnavailableError
from finance_agent.infra.dynamo.items import Item
from finance_agent.infra.dynamo.table import create_client
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

T = TypeVar("T")

BATCH_SIZE = 25  # BatchWriteItem's maximum
# Failures that say "not now" rather than "not this" (after the SDK's own retries): the
# caller may retry the same request, so they are StoreUnavailableError (503).
RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
UNREACHABLE = (EndpointUnreachable, HTTPClientError)  # refused, timed out, cut off

_clients: dict[tuple[str, str | None], DynamoDBClient] = {}
_clients_lock = threading.Lock()


def shared_client(region: str, endpoint_url: str | None = None) -> DynamoDBClient:
    """The process's client for this region and endpoint, created on first use.

    Lambda keeps module state between invocations, so warm calls reuse its connections.
    """
    with _clients_lock:
        client = _clients.get((region, endpoint_url))
        if client is None:
            client = _clients[(region, endpoint_url)] = create_client(region, endpoint_url)
        return client


class TableCalls:
    """One table's client calls, under every part of ``DynamoRepo``.

    ``page_size`` caps every Query page (DynamoDB's own cap is 1 MB); tests use it to
    exercise pagination. ``client`` replaces the shared client (tests, benchmarks).
    """

    def __init__(
        self,
        table_name: str,
        region: str,
        endpoint_url: str | None = None,
        *,
        client: DynamoDBClient | None = None,
        page_size: int | None = None,
        max_batch_attempts: int = 8,
        backoff_seconds: float = 0.05,
    ) -> None:
        self.table_name = table_name
        self._region = region
        self._endpoint_url = endpoint_url
        self._client = client
        self._page_size = page_size
        self._max_batch_attempts = max_batch_attempts
        self._backoff_seconds = backoff_seconds

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            self._client = shared_client(self._region, self._endpoint_url)
        return self._client

    def _call(self, operation: str, method: Callable[..., T], conflict: str = "", **kw: Any) -> T:
        """Run one client call; SDK errors become domain errors (``from`` the SDK's)."""
        try:
            return method(**kw)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "Unknown")
            if code == "ConditionalCheckFailedException" and conflict:
                raise ConflictError(conflict) from exc
            logger.bind(operation=operation, table=self.table_name, code=code).error(
                "dynamodb call failed"
            )
            hint = (
                " (run `finance-agent init-table`)" if code == "ResourceNotFoundException" else ""
            )
            error = StoreUnavailableError if code in RETRYABLE_CODES else StoreError
            raise error(f"DynamoDB {operation} failed: {code}{hint}") from exc
        except BotoCoreError as exc:
            reason = type(exc).__name__
            logger.bind(operation=operation, table=self.table_name, code=reason).error(
                "dynamodb call failed"
            )
            error = StoreUnavailableError if isinstance(exc, UNREACHABLE) else StoreError
            raise error(f"DynamoDB {operation} failed: {reason}") from exc

    def _query_page(
        self, query: dict[str, Any], limit: int | None, start: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        params = dict(query)
        if limit is not None:
            params["Limit"] = limit
        if start is not None:
            params["ExclusiveStartKey"] = start
        response = self._call("Query", self.client.query, **params)
        return list(response.get("Items", [])), response.get("LastEvaluatedKey")

    def _query_all(self, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item the query matches, following ``LastEvaluatedKey`` to the end."""
        start: dict[str, Any] | None = None
        while True:
            page, start = self._query_page(query, self._page_size, start)
            yield from page
            if start is None:
                return

    def _batch_put(self, new_items: Iterable[Item]) -> None:
        """Upsert in batches of 25; unprocessed items are resent with exponential backoff."""
        # The last write of a key wins, and a batch may not hold one key twice.
        unique = list({item["pk"]["S"]: item for item in new_items}.values())

        def send(requests: list[Any]) -> list[Any]:
            response = self._call(
                "BatchWriteItem",
                self.client.batch_write_item,
                RequestItems={self.table_name: requests},
            )
            return list(response.get("UnprocessedItems", {}).get(self.table_name, []))

        for offset in range(0, len(unique), BATCH_SIZE):
            batch = unique[offset : offset + BATCH_SIZE]
            self._until_processed(
                "BatchWriteItem", send, [{"PutRequest": {"Item": i}} for i in batch]
            )

    def _until_processed(
        self, operation: str, send: Callable[[list[Any]], list[Any]], pending: list[Any]
    ) -> None:
        """``send(pending)`` again with what it left unprocessed, backing off exponentially
        with jitter, until nothing is left; ``StoreUnavailableError`` after the attempts."""
        for attempt in range(self._max_batch_attempts):
            if attempt:
                cap = self._backoff_seconds * 2**attempt
                time.sleep(random.uniform(0, cap))  # noqa: S311 - jitter, not a secret
            pending = send(pending)
            if not pending:
                return
        logger.bind(table=self.table_name, operation=operation, unprocessed=len(pending)).error(
            "batch call gave up"
        )
        raise StoreUnavailableError(
            f"DynamoDB {operation} left {len(pending)} unprocessed "
            f"after {self._max_batch_attempts} attempts"
        )
