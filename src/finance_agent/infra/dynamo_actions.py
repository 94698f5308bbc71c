"""Agent actions in the DynamoDB table: written once, listed newest first through ``gsi1``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pydantic

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import ActionPage, AgentAction
from finance_agent.domain.ports import MAX_ACTIONS_PAGE
from finance_agent.infra import dynamo_items as items
from finance_agent.infra.action_keys import decode_cursor, encode_cursor, new_action_id
from finance_agent.infra.dynamo_reads import TableReads
from finance_agent.shared.clock import now_utc


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
