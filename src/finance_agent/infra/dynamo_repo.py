"""The DynamoDB store: one table, reads that cost what they return (Query/GetItem, never Scan)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic
from botocore.exceptions import BotoCoreError, ClientError

from finance_agent.domain.errors import ConflictError, StoreError, ValidationError
from finance_agent.domain.models import (
    ActionPage,
    AgentAction,
    ARAging,
    ChatTurn,
    IdempotencyRecord,
    KPISnapshot,
    SalesDay,
)
from finance_agent.domain.ports import CHAT_TTL, CHAT_TURNS_KEPT, MAX_ACTIONS_PAGE
from finance_agent.infra import dynamo_items as items
from finance_agent.infra.action_keys import (
    decode_cursor,
    encode_cursor,
    new_action_id,
    sortable_timestamp,
)
from finance_agent.infra.dynamo_table import GSI1_NAME, create_client
from finance_agent.shared.clock import now_utc, today
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

T = TypeVar("T")
M = TypeVar("M")

BATCH_SIZE = 25  # BatchWriteItem's maximum

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


class DynamoRepo:
    """FinanceRepository on one DynamoDB table (see DESIGN.md, "Data model").

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

    # -- agent actions --
    def create_agent_action(
        self,
        action: str,
        payload: Mapping[str, Any],
        performed_by: str,
        *,
        action_id: str | None = None,
        created_at: datetime | None = None,
        status: str = "pending",
    ) -> str:
        record = _new_action(action, payload, performed_by, action_id, created_at, status)
        try:
            item = items.action_item(record)
        except (TypeError, ValueError, ArithmeticError):
            # Also numbers DynamoDB cannot hold: over 38 digits, beyond 1E+125 or 1E-130.
            raise ValidationError("payload", "must contain only JSON values") from None
        self._call(
            "PutItem",
            self.client.put_item,
            conflict=f"action {record.action_id} already exists",
            TableName=self.table_name,
            Item=item,
            ConditionExpression="attribute_not_exists(pk)",
        )
        return record.action_id

    def get_agent_action(self, action_id: str) -> AgentAction | None:
        return self._get(items.action_pk(action_id), items.action_from_item)

    def list_agent_actions(self, limit: int = 50, before: str | None = None) -> ActionPage:
        if not 1 <= limit <= MAX_ACTIONS_PAGE:
            raise ValidationError("limit", f"must be between 1 and {MAX_ACTIONS_PAGE}")
        start: dict[str, Any] | None = None
        if before is not None:
            created_at, action_id = decode_cursor(before)
            start = items.key(items.action_pk(action_id)) | {
                "gsi1pk": {"S": items.ACTION},
                "gsi1sk": {"S": items.action_sort_key(created_at, action_id)},
            }
        query = self._gsi1_query(items.ACTION, ScanIndexForward=False)
        found: list[tuple[str, AgentAction]] = []
        # One more than asked says whether another page exists, without a second call.
        while len(found) <= limit:
            want = limit + 1 - len(found)
            page, start = self._query_page(query, min(want, self._page_size or want), start)
            for raw in page:
                parsed = self._parse(raw, items.action_from_item)
                if parsed is not None:
                    found.append((raw["gsi1sk"]["S"], parsed))
            if start is None:
                break
        next_token = None
        if len(found) > limit:
            next_token = encode_cursor(*items.split_action_sort_key(found[limit - 1][0]))
        return ActionPage(items=[action for _, action in found[:limit]], next_token=next_token)

    # -- idempotency records --
    def claim_idempotency_key(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        item = items.idempotency_item(record)
        for _ in range(3):  # again only if the holder let go between our write and our read
            now = sortable_timestamp(now_utc())
            try:
                self._call(
                    "PutItem",
                    self.client.put_item,
                    conflict="idempotency key taken",
                    TableName=self.table_name,
                    Item=item,
                    ConditionExpression=f"attribute_not_exists(pk) OR {items.EXPIRES_TS} <= :now",
                    ExpressionAttributeValues={":now": {"S": now}},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
                return None
            except ConflictError as exc:
                old = getattr(exc.__cause__, "response", {}).get("Item")
                holder = (
                    self._parse(old, items.idempotency_from_item)
                    if old is not None
                    else self.get_idempotency_record(record.key)
                )
                if holder is not None:
                    return holder
                if old is not None:  # there, but unreadable: nobody may own this key safely
                    raise StoreError(f"unreadable idempotency record {record.key}") from exc
        raise StoreError(f"could not claim idempotency key {record.key}")

    def get_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        record = self._get(items.idempotency_pk(key), items.idempotency_from_item)
        # TTL deletes expired items only eventually, so expiry is checked on every read.
        return record if record is not None and record.expires_at > now_utc() else None

    def complete_idempotency_key(self, key: str, status_code: int, response_body: str) -> None:
        try:
            self._call(
                "UpdateItem",
                self.client.update_item,
                conflict="idempotency key not claimed",
                TableName=self.table_name,
                Key=items.key(items.idempotency_pk(key)),
                # Only an existing record: an update must not create a half record.
                ConditionExpression="attribute_exists(pk)",
                UpdateExpression="SET #status = :done, status_code = :code, response_body = :body",
                ExpressionAttributeNames={"#status": "status"},  # STATUS is a reserved word
                ExpressionAttributeValues={
                    ":done": {"S": "completed"},
                    ":code": {"N": str(status_code)},
                    ":body": {"S": response_body},
                },
            )
        except ConflictError:
            logger.bind(table=self.table_name).warning("completing an unclaimed idempotency key")

    def release_idempotency_key(self, key: str) -> None:
        self._call(
            "DeleteItem",
            self.client.delete_item,
            TableName=self.table_name,
            Key=items.key(items.idempotency_pk(key)),
        )

    # -- plumbing --
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
            raise StoreError(f"DynamoDB {operation} failed: {code}{hint}") from exc
        except BotoCoreError as exc:
            reason = type(exc).__name__
            logger.bind(operation=operation, table=self.table_name, code=reason).error(
                "dynamodb call failed"
            )
            raise StoreError(f"DynamoDB {operation} failed: {reason}") from exc

    def _get(self, pk: str, parse: Callable[[dict[str, Any]], M]) -> M | None:
        response = self._call(
            "GetItem",
            self.client.get_item,
            TableName=self.table_name,
            Key=items.key(pk),
            ConsistentRead=True,
        )
        raw = response.get("Item")
        return None if raw is None else self._parse(raw, parse)

    def _gsi1_query(
        self,
        partition: str,
        sort_condition: str = "",
        values: dict[str, Any] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        condition = "gsi1pk = :pk" + (f" AND {sort_condition}" if sort_condition else "")
        return {
            "TableName": self.table_name,
            "IndexName": GSI1_NAME,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": {":pk": {"S": partition}} | (values or {}),
            **kw,
        }

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

    def _batch_put(self, new_items: Iterable[items.Item]) -> None:
        """Upsert in batches of 25; unprocessed items are resent with exponential backoff."""
        # The last write of a key wins, and a batch may not hold one key twice.
        unique = list({item["pk"]["S"]: item for item in new_items}.values())
        for offset in range(0, len(unique), BATCH_SIZE):
            requests: list[Any] = [
                {"PutRequest": {"Item": item}} for item in unique[offset : offset + BATCH_SIZE]
            ]
            for attempt in range(self._max_batch_attempts):
                if attempt:
                    cap = self._backoff_seconds * 2**attempt
                    time.sleep(random.uniform(0, cap))  # noqa: S311 - jitter, not a secret
                response = self._call(
                    "BatchWriteItem",
                    self.client.batch_write_item,
                    RequestItems={self.table_name: requests},
                )
                requests = list(response.get("UnprocessedItems", {}).get(self.table_name, []))
                if not requests:
                    break
            else:
                logger.bind(table=self.table_name, unprocessed=len(requests)).error(
                    "batch write gave up"
                )
                raise StoreError(
                    f"DynamoDB BatchWriteItem left {len(requests)} items unprocessed "
                    f"after {self._max_batch_attempts} attempts"
                )

    # -- chat history --
    def get_chat_history(self, owner: str, session_id: str) -> list[ChatTurn]:
        stored = self._get(items.chat_pk(owner, session_id), items.chat_from_item)
        # TTL deletes expired items only eventually, so expiry is checked on every read.
        if stored is None or stored[1] <= now_utc():
            return []
        return stored[0]

    def append_chat_turns(
        self,
        owner: str,
        session_id: str,
        turns: Sequence[ChatTurn],
        *,
        keep: int = CHAT_TURNS_KEPT,
        ttl: timedelta = CHAT_TTL,
    ) -> None:
        if keep < 1:
            raise ValidationError("keep", "must be at least 1")
        pk = items.chat_pk(owner, session_id)
        # Read, then write on condition that nobody wrote in between (the version): two
        # appends to one session never lose one another's turns.
        for _ in range(5):
            raw = self._call(
                "GetItem",
                self.client.get_item,
                TableName=self.table_name,
                Key=items.key(pk),
                ConsistentRead=True,
            ).get("Item")
            stored = None if raw is None else self._parse(raw, items.chat_from_item)
            now = now_utc()
            kept: list[ChatTurn] = []
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
            version = 0
            if stored is not None:
                old_turns, expires_at, version = stored
                kept = old_turns if expires_at > now else []
                condition = {
                    "ConditionExpression": "#version = :version",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": {":version": {"N": str(version)}},
                }
            elif raw is not None:
                condition = {}  # unreadable: replaced, as an expired session would be
            kept = [*kept, *turns][-keep:]
            item = items.chat_item(owner, session_id, kept, now + ttl, version + 1)
            try:
                self._call(
                    "PutItem",
                    self.client.put_item,
                    conflict="chat session changed",
                    TableName=self.table_name,
                    Item=item,
                    **condition,
                )
                return
            except ConflictError:
                continue
        raise StoreError(f"could not append to chat session {session_id}: too many writers")


def _new_action(
    action: str,
    payload: Mapping[str, Any],
    performed_by: str,
    action_id: str | None,
    created_at: datetime | None,
    status: str,
) -> AgentAction:
    try:
        return AgentAction(
            action_id=action_id if action_id is not None else new_action_id(),
            action=action,
            payload=dict(payload),
            performed_by=performed_by,
            created_at=created_at if created_at is not None else now_utc(),
            status=status,
        )
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "action"
        raise ValidationError(field, error["msg"]) from None
