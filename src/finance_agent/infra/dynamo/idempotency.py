"""Idempotency-Key records in the DynamoDB table: ``IDEMP#<key>`` items, claimed by a
conditional write, completed with the response to replay, released when the request fails."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from finance_agent.domain.errors import ConflictError, StoreError
from finance_agent.domain.models import IdempotencyRecord
from finance_agent.infra.action_keys import parse_timestamp, sortable_timestamp
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.items import EXPIRES_TS
from finance_agent.infra.dynamo.reads import TableReads
from finance_agent.infra.dynamo.table import TTL_ATTRIBUTE
from finance_agent.shared.clock import now_utc
from finance_agent.shared.log import logger


def idempotency_pk(key: str) -> str:
    return f"IDEMP#{key}"


def idempotency_item(record: IdempotencyRecord) -> items.Item:
    values: dict[str, Any] = {
        "pk": idempotency_pk(record.key),
        "key": record.key,
        "fingerprint": record.fingerprint,
        "status": record.status,
        EXPIRES_TS: sortable_timestamp(record.expires_at),
        TTL_ATTRIBUTE: math.ceil(record.expires_at.timestamp()),
    }
    if record.status_code is not None:
        values["status_code"] = record.status_code
    if record.response_body is not None:
        values["response_body"] = record.response_body
    return items.encode(values)


def idempotency_from_item(item: Mapping[str, Any]) -> IdempotencyRecord:
    values = items.pick(
        items.decode(item),
        ("key", "fingerprint", "status", "status_code", "response_body", EXPIRES_TS),
    )
    try:
        values["expires_at"] = parse_timestamp(values.pop(EXPIRES_TS))
    except (KeyError, TypeError, ValueError):
        raise items.MalformedItem(f"bad or missing attributes: {EXPIRES_TS}") from None
    if isinstance(values.get("status_code"), Decimal):
        values["status_code"] = int(values["status_code"])
    return items.to_model(IdempotencyRecord, values)


class IdempotencyRecords(TableReads):
    """The idempotency-record methods of ``DynamoRepo``."""

    def claim_idempotency_key(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        item = idempotency_item(record)
        for _ in range(3):  # again only if the holder let go between our write and our read
            now = sortable_timestamp(now_utc())
            try:
                self._call(
                    "PutItem",
                    self.client.put_item,
                    conflict="idempotency key taken",
                    TableName=self.table_name,
                    Item=item,
                    ConditionExpression=f"attribute_not_exists(pk) OR {EXPIRES_TS} <= :now",
                    ExpressionAttributeValues={":now": {"S": now}},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
                return None
            except ConflictError as exc:
                old = getattr(exc.__cause__, "response", {}).get("Item")
                holder = (
                    self._parse(old, idempotency_from_item)
                    if old is not None
                    else self.get_idempotency_record(record.key)
                )
                if holder is not None:
                    return holder
                if old is not None:  # there, but unreadable: nobody may own this key safely
                    raise StoreError(f"unreadable idempotency record {record.key}") from exc
        raise StoreError(f"could not claim idempotency key {record.key}")

    def get_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        record = self._get(idempotency_pk(key), idempotency_from_item)
        # TTL deletes expired items only eventually, so expiry is checked on every read.
        return record if record is not None and record.expires_at > now_utc() else None

    def complete_idempotency_key(
        self, key: str, status_code: int, response_body: str, *, expires_at: datetime
    ) -> None:
        try:
            self._call(
                "UpdateItem",
                self.client.update_item,
                conflict="idempotency key not claimed",
                TableName=self.table_name,
                Key=items.key(idempotency_pk(key)),
                # Only an existing record: an update must not create a half record.
                ConditionExpression="attribute_exists(pk)",
                UpdateExpression=(
                    "SET #status = :done, status_code = :code, response_body = :body, "
                    f"{EXPIRES_TS} = :ts, #ttl = :ttl"
                ),
                # STATUS is a reserved word; the TTL attribute's name comes from the table.
                ExpressionAttributeNames={"#status": "status", "#ttl": TTL_ATTRIBUTE},
                ExpressionAttributeValues={
                    ":done": {"S": "completed"},
                    ":code": {"N": str(status_code)},
                    ":body": {"S": response_body},
                    ":ts": {"S": sortable_timestamp(expires_at)},
                    ":ttl": {"N": str(math.ceil(expires_at.timestamp()))},
                },
            )
        except ConflictError:
            logger.bind(table=self.table_name).warning("completing an unclaimed idempotency key")

    def release_idempotency_key(self, key: str) -> None:
        self._call(
            "DeleteItem",
            self.client.delete_item,
            TableName=self.table_name,
            Key=items.key(idempotency_pk(key)),
        )
