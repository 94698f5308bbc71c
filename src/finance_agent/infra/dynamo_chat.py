"""Chat history in the DynamoDB table: one item a session, its last turns, expiring by TTL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from finance_agent.domain.errors import ConflictError, StoreError, ValidationError
from finance_agent.domain.models import ChatTurn
from finance_agent.domain.models.chat import last_turns
from finance_agent.domain.ports import CHAT_TTL, CHAT_TURNS_KEPT
from finance_agent.infra import dynamo_items as items
from finance_agent.infra.dynamo_reads import TableReads
from finance_agent.shared.clock import now_utc


class ChatHistory(TableReads):
    """The chat-history methods of ``DynamoRepo``."""

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
            raw = self._get_raw(pk)
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
            kept = last_turns([*kept, *turns], keep)
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
