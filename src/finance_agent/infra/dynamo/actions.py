"""Agent actions in the DynamoDB table: ``ACTION#<action_id>`` items, written once and listed
newest first through ``gsi1``, and the methods that write and read them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import pydantic

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import ActionPage, AgentAction
from finance_agent.domain.ports import MAX_ACTIONS_PAGE
from finance_agent.infra.action_keys import (
    decode_cursor,
    encode_cursor,
    new_action_id,
    parse_timestamp,
    sortable_timestamp,
)
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.reads import TableReads
from finance_agent.shared.clock import now_utc

ACTION: Final = "ACTION"


def action_pk(action_id: str) -> str:
    return f"ACTION#{action_id}"


def action_sort_key(created_at: str, action_id: str) -> str:
    """``<sortable timestamp>#<id>``: string order is (time, id) order, as in the cursor."""
    return f"{created_at}#{action_id}"


def split_action_sort_key(sort_key: str) -> tuple[str, str]:
    created_at, _, action_id = sort_key.partition("#")
    return created_at, action_id


def action_item(action: AgentAction) -> items.Item:
    created_at = sortable_timestamp(action.created_at)
    return items.encode(
        {
            "pk": action_pk(action.action_id),
            "gsi1pk": ACTION,
            "gsi1sk": action_sort_key(created_at, action.action_id),
            "action_id": action.action_id,
            "action": action.action,
            "payload": payload_to_store(action.payload),
            "performed_by": action.performed_by,
            "created_at": created_at,
            "status": action.status,
        }
    )


def action_from_item(item: Mapping[str, Any]) -> AgentAction:
    stored = items.decode(item)
    values = items.pick(
        stored, ("action_id", "action", "payload", "performed_by", "created_at", "status")
    )
    try:
        values["created_at"] = parse_timestamp(values["created_at"])
    except (KeyError, TypeError, ValueError):
        raise items.MalformedItem("bad or missing attributes: created_at") from None
    if isinstance(values.get("payload"), dict):
        values["payload"] = payload_from_store(values["payload"])
    action = items.to_model(AgentAction, values)
    # The sort key is the list's order and its cursor: one not of (time, id) would list the
    # action out of place, and a cursor made from it would not decode (a 400 on the next page).
    sort_key = action_sort_key(sortable_timestamp(action.created_at), action.action_id)
    expected = {"pk": action_pk(action.action_id), "gsi1pk": ACTION, "gsi1sk": sort_key}
    items.check_keys(stored, expected)
    return action


def payload_to_store(payload: Mapping[str, Any]) -> Any:
    """The payload as DynamoDB accepts it: what JSON accepts (as in the SQLite store), with
    floats as Decimal read from their JSON text. Raises ``TypeError``/``ValueError`` otherwise.
    """
    return json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False), parse_float=Decimal)


def payload_from_store(value: Any) -> Any:
    """Numbers back as JSON gives them: int without a fraction part, else float."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, dict):
        return {name: payload_from_store(item) for name, item in value.items()}
    if isinstance(value, list):
        return [payload_from_store(item) for item in value]
    return value


class AgentActions(TableReads):
    """The agent-action methods of ``DynamoRepo``."""

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
            item = action_item(record)
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
        return self._get(action_pk(action_id), action_from_item)

    def list_agent_actions(self, limit: int = 50, before: str | None = None) -> ActionPage:
        if not 1 <= limit <= MAX_ACTIONS_PAGE:
            raise ValidationError("limit", f"must be between 1 and {MAX_ACTIONS_PAGE}")
        start: dict[str, Any] | None = None
        if before is not None:
            created_at, action_id = decode_cursor(before)
            start = items.key(action_pk(action_id)) | {
                "gsi1pk": {"S": ACTION},
                "gsi1sk": {"S": action_sort_key(created_at, action_id)},
            }
        query = self._gsi1_query(ACTION, ScanIndexForward=False)
        found: list[tuple[str, AgentAction]] = []
        # One more than asked says whether another page exists, without a second call.
        while len(found) <= limit:
            want = limit + 1 - len(found)
            page, start = self._query_page(query, min(want, self._page_size or want), start)
            for raw in page:
                parsed = self._parse(raw, action_from_item)
                if parsed is not None:
                    found.append((raw["gsi1sk"]["S"], parsed))
            if start is None:
                break
        next_token = None
        if len(found) > limit:
            next_token = encode_cursor(*split_action_sort_key(found[limit - 1][0]))
        return ActionPage(items=[action for _, action in found[:limit]], next_token=next_token)


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
